"""What the rest of lakebox may ask STS: whose is this access key? And, for a service
that acts as a role (Glue running a job as its Role), credentials of a session of it."""
from lakebox.aws.shapes import WholeSeconds
from lakebox.services.sts import model, store
from lakebox.storage.lru import Lru

SESSION_CACHE = 10_000        # sessions (and unknown ASIA keys) remembered, most recently used

_MISSING = object()


def session_for_key(state, access_key: str) -> dict | None:
    """The session lakebox issued for `access_key`, or None for any other key."""
    if not access_key.startswith("ASIA"):
        return None
    sessions = state.cache("sts").get("sessions")
    if sessions is None:
        sessions = state.cache("sts")["sessions"] = Lru(SESSION_CACHE)
    session = sessions.get(access_key, _MISSING)
    if session is _MISSING:
        session = store.find_session(state.db, access_key)
        sessions.put(access_key, session)
    return session


def issue_session(db, now: float, *, account, arn, user_id, kind, duration, tags=None, policies=None,
                  source_identity=None) -> dict:
    """Store a new session and answer its credentials, shaped as STS's `Credentials`."""
    tags = tags or {"tags": None, "transitive_tag_keys": None}
    session = {
        "access_key": model.new_access_key(), "secret_key": model.new_secret(),
        "session_token": model.new_session_token(), "account": account, "arn": arn,
        "user_id": user_id, "kind": kind, "issued_at": now, "expires_at": int(now + duration),
        **tags, **(policies or {}), "source_identity": source_identity,
    }
    store.save_session(db, session)
    return {"AccessKeyId": session["access_key"], "SecretAccessKey": session["secret_key"],
            "SessionToken": session["session_token"], "Expiration": WholeSeconds(session["expires_at"])}


def role_session(state, role_arn: str, session_name: str, now: float, duration: int) -> dict:
    """Credentials of a new session of `role_arn` named `session_name`, as a service that
    assumes the role gets them: its ARN is `arn:aws:sts::<account>:assumed-role/<role>/<name>`."""
    account, role_name = model.role_parts(role_arn)
    return issue_session(state.db, now, account=account, arn=model.assumed_role_arn(account, role_name, session_name),
                         user_id=f"{model.role_id(role_arn)}:{session_name}", kind="assumed-role", duration=duration)


def acting_session(role_arn: str, session_name: str) -> dict:
    """Who a service is while it acts as `role_arn` in a session named `session_name`
    (Firehose writing to S3 as its delivery role, session `AWSFirehoseToS3`): the
    session's account, ARN and user id, as a request made with its credentials would
    carry them (no credentials are issued)."""
    account, role_name = model.role_parts(role_arn)
    return {"account": account, "arn": model.assumed_role_arn(account, role_name, session_name),
            "user_id": f"{model.role_id(role_arn)}:{session_name}", "kind": "assumed-role"}
