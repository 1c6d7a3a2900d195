"""Who is calling, from where: account from the access key, region from the SigV4 scope.

A 12-digit access key is that account; a key lakebox's STS issued maps to its session's
account and role (and is refused with any session token but its own, or once it has
expired); a key declared with `--credentials` is its declared account; any other key is
account 000000000000. Signatures are checked for the keys whose secret lakebox knows
(its STS sessions' and the declared ones); any other key works with any secret. Every
header-signed request must have been signed within 15 minutes of the machine's real
time (`signing.check_time`). A request with no signature at all is refused, as AWS
refuses it, except by S3 and the operations the model marks unsigned (STS's
AssumeRoleWithWebIdentity and AssumeRoleWithSAML). An unsigned S3 request (no
Authorization, no presigned query, no POST form credential) is anonymous: it belongs to
no account and may do only what a bucket grants everyone.
"""
import re
import time

from lakebox import credentials
from lakebox.aws import signing
from lakebox.aws.context import RequestContext
from lakebox.aws.errors import (ExpiredS3Token, ExpiredToken, InvalidClientTokenId, InvalidToken, UnrecognizedClient,
                               new_request_id_for)
from lakebox.services.sts import public as sts

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
ANONYMOUS_ARN = "anonymous"             # as CloudTrail names an unsigned caller
ACCOUNT_KEY = re.compile(r"^\d{12}$")


def identify(state, route, req) -> RequestContext:
    if _unsigned(req) and route.spec.name != "s3" and route.operation.auth_type != "none":
        raise signing.missing_token(route)
    signing.check_time(route, req, time.time())
    access_key = route.access_key or _sigv2_key(req) or ""
    now = state.clock.now()
    if route.spec.name == "s3" and not access_key and _unsigned(req):
        return RequestContext(
            service="s3", operation=route.operation.name, account="", region=route.region or DEFAULT_REGION,
            access_key="", caller_arn=ANONYMOUS_ARN, now=now, state=state, request=req, anonymous=True,
            request_id=new_request_id_for(route.wire))
    session = sts.session_for_key(state, access_key) if access_key else None
    secret = None
    if session is not None:
        if _session_token(req) != session["session_token"]:
            raise _invalid_token(route)
        if session["expires_at"] <= now:
            raise _expired_token(route, session["session_token"])
        account, caller_arn = session["account"], session["arn"]
        secret = session["secret_key"]
    elif access_key in (declared := credentials.load(state.config.credentials)):
        account, caller_arn = declared[access_key].account, declared[access_key].arn
        secret = declared[access_key].secret
    else:
        account = access_key if ACCOUNT_KEY.match(access_key) else DEFAULT_ACCOUNT
        caller_arn = f"arn:aws:iam::{account}:root"
    return RequestContext(
        service=route.spec.name, operation=route.operation.name, account=account,
        region=route.region or DEFAULT_REGION, access_key=access_key, caller_arn=caller_arn,
        now=now, state=state, request=req, session=session, **_verified(route, req, secret),
        request_id=new_request_id_for(route.wire))


def known_secret(state, access_key: str) -> str | None:
    """The secret of a key whose secret lakebox knows (an STS session's, a declared
    one): what a signature lakebox checks itself (S3's POST forms) is made with."""
    session = sts.session_for_key(state, access_key) if access_key else None
    if session is not None:
        return session["secret_key"]
    declared = credentials.load(state.config.credentials)
    return declared[access_key].secret if access_key in declared else None


def _verified(route, req, secret: str | None) -> dict:
    """Check the signature now when it does not cover the body, or the body is read;
    else leave it to be checked once the body is (`ctx.unverified_secret`)."""
    if secret is None:
        return {}
    if signing.body_pending(req):
        return {"unverified_secret": secret}
    signing.verify(route, req, secret)
    return {}


def _unsigned(req) -> bool:
    if "authorization" in req.headers:
        return False
    query = req.query_dict()
    return "X-Amz-Signature" not in query and "Signature" not in query


def _session_token(req) -> str | None:
    query = req.query_dict()
    return req.headers.get("x-amz-security-token") or query.get("X-Amz-Security-Token") or \
        query.get("x-amz-security-token")


def _expired_token(route, token: str):
    """An expired session, in the words of the service: S3 says it its own way (as
    clients log it: `ExpiredToken`, "The provided token has expired.")."""
    if route.spec.name == "s3":
        return ExpiredS3Token(**{"Token-0": token})
    return ExpiredToken()


def _invalid_token(route):
    """A session token that is not its key's, in the words of the service's protocol."""
    if route.spec.protocol == "query":
        return InvalidClientTokenId()
    if route.spec.name == "s3":
        return InvalidToken()
    return UnrecognizedClient()


def _sigv2_key(req):
    """SigV2 carries the key as `AWS <key>:<signature>` or a presigned URL's AWSAccessKeyId."""
    header = req.headers.get("authorization", "")
    if header.startswith("AWS ") and ":" in header:
        return header[4:].rpartition(":")[0].strip()
    return req.query_dict().get("AWSAccessKeyId")
