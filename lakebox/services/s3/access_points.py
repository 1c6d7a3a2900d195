"""Access points of general purpose buckets (S3 User Guide, "Managing access to shared
datasets with access points"): named per account and Region, each attached to one bucket
for good, with its own policy and Block Public Access settings, and reached in object
requests through its alias, which stands wherever a bucket name does.

A request through an access point is decided twice (S3 User Guide, "Configuring IAM
policies for using access points"): by the access point's policy, on the access point's
ARN (`arn:aws:s3:<region>:<account>:accesspoint/<name>`, its objects
`.../accesspoint/<name>/object/<key>`), and by the bucket's policy on the bucket's ARN as
ever, where `s3:DataAccessPointAccount`, `s3:DataAccessPointArn` and
`s3:AccessPointNetworkOrigin` name the access point (a bucket delegates its access
control to its access points with them). A caller of the access point's own account
needs no grant from its policy (lakebox has no IAM: an identity allows everything), but
an explicit Deny in it refuses; any other caller needs its Allow.
"""
import json
import re
import secrets
import string

from lakebox.kit import arns, policies
from lakebox.services.s3 import store
ALIAS_SUFFIX = "-s3alias"
# S3 User Guide, "Naming rules for access points": 3 to 50 characters of lower-case
# letters, numbers and hyphens, starting and ending with a letter or number; not
# starting with `xn--` nor ending with `-s3alias`.
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$")
_HOST_LABEL = re.compile(r"^([a-z0-9][a-z0-9-]*)-(\d{12})$")
_ALIAS_CHARS = string.ascii_lowercase + string.digits
_ALIAS_RANDOM = 34                 # as in the guide's example alias (…-hrzrlukc5m36ft7okagglf3gmwluquse1b-s3alias)
_MAX_ALIAS = 63                    # an alias is a valid bucket name
BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
MAX_POLICY_BYTES = 20 * 1024       # "Access point policies are limited to 20 KB in size"


def valid_name(name: str) -> bool:
    return bool(_NAME.match(name)) and not name.startswith("xn--") and not name.endswith(ALIAS_SUFFIX)


def new_alias(name: str) -> str:
    random_part = "".join(secrets.choice(_ALIAS_CHARS) for _ in range(_ALIAS_RANDOM))
    head = name[:_MAX_ALIAS - len(ALIAS_SUFFIX) - _ALIAS_RANDOM - 1].rstrip("-")
    return f"{head}-{random_part}{ALIAS_SUFFIX}"


def arn(row) -> str:
    return arns.build("s3", row["region"], row["account"], f"accesspoint/{row['name']}")


def create(db, account: str, region: str, name: str, bucket, vpc_id: str | None, block: dict, now: float):
    alias = new_alias(name)
    db.execute("INSERT INTO s3_access_points (account, region, name, alias, bucket, bucket_account, vpc_id, block, "
               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (account, region, name, alias, bucket["name"], bucket["account"], vpc_id, json.dumps(block), now))
    return get(db, account, region, name)


def get(db, account: str, region: str, name: str):
    return db.one("SELECT * FROM s3_access_points WHERE account=? AND region=? AND name=?", (account, region, name))


def by_alias(db, alias: str):
    return db.one("SELECT * FROM s3_access_points WHERE alias=?", (alias,))


def page(db, account: str, region: str, bucket: str | None, after: str, limit: int) -> list:
    sql = "SELECT * FROM s3_access_points WHERE account=? AND region=? AND name>?"
    args = [account, region, after]
    if bucket is not None:
        sql += " AND bucket=?"
        args.append(bucket)
    return db.query(sql + " ORDER BY name LIMIT ?", (*args, limit))


def delete(db, account: str, region: str, name: str) -> bool:
    return db.execute("DELETE FROM s3_access_points WHERE account=? AND region=? AND name=?",
                      (account, region, name)).rowcount > 0


def set_policy(db, row, text: str | None):
    db.execute("UPDATE s3_access_points SET policy=? WHERE account=? AND region=? AND name=?",
               (text, row["account"], row["region"], row["name"]))


def bucket_has_access_points(db, bucket: str) -> bool:
    return db.one("SELECT 1 FROM s3_access_points WHERE bucket=? LIMIT 1", (bucket,)) is not None


def describe(row, full: bool) -> dict:
    """The access point as GetAccessPoint (`full`) or a ListAccessPoints entry shows it."""
    found = {"Name": row["name"], "NetworkOrigin": "VPC" if row["vpc_id"] else "Internet",
             "Bucket": row["bucket"], "AccessPointArn": arn(row), "Alias": row["alias"],
             "BucketAccountId": row["bucket_account"]}
    if row["vpc_id"]:
        found["VpcConfiguration"] = {"VpcId": row["vpc_id"]}
    if full:
        region = row["region"]
        found.update({
            "PublicAccessBlockConfiguration": json.loads(row["block"]),
            "CreationDate": row["created_at"],
            "Endpoints": {"ipv4": f"s3-accesspoint.{region}.amazonaws.com",
                          "fips": f"s3-accesspoint-fips.{region}.amazonaws.com",
                          "fips_dualstack": f"s3-accesspoint-fips.dualstack.{region}.amazonaws.com",
                          "dualstack": f"s3-accesspoint.dualstack.{region}.amazonaws.com"}})
    return found


# ---- requests through an alias ------------------------------------------------------

def by_host(db, label: str, region: str):
    """The access point of a virtual host `<name>-<account>` (how SDKs address an access
    point ARN), in `region` (the ARN's, which the request is signed for)."""
    match = _HOST_LABEL.match(label)
    return None if match is None else get(db, match.group(2), region, match.group(1))


def through(db, point, bucket_row):
    """The bucket a request reaches through the access point `point` (a row or None), as
    a dict that also carries the access point (`point_of`). None: no access point, or
    its bucket is gone."""
    if point is None:
        return None
    bucket = bucket_row(point["bucket"])
    return None if bucket is None else {**dict(bucket), "access_point": dict(point)}


def point_of(bucket) -> dict | None:
    return bucket.get("access_point") if isinstance(bucket, dict) else None


def resource(point: dict, key: str | None) -> str:
    return arn(point) if key is None else f"{arn(point)}/object/{key}"


def condition_key(point: dict | None, name: str):
    """The access point's own condition keys (Service Authorization Reference, S3)."""
    if point is None:
        return None
    if name == "s3:dataaccesspointaccount":
        return point["account"]
    if name == "s3:dataaccesspointarn":
        return arn(point)
    if name == "s3:accesspointnetworkorigin":
        return "VPC" if point["vpc_id"] else "Internet"
    return None


def verdict(point: dict, caller, action: str, key: str | None, keys, restricted: bool) -> str | None:
    """The access point policy's "Deny", "Allow" or None for `action` on the access point.
    A public policy's Allow counts for nobody outside the access point's account when
    `restricted` (RestrictPublicBuckets of the access point or of its account: S3 User
    Guide, "Managing public access to access points")."""
    if not point.get("policy"):
        return None
    policy = policies.parse(point["policy"])
    found = policy.decision(lambda s: s.names_principal(caller), action, resource(point, key), keys)
    if found == "Allow" and restricted and policy.public and caller.account != point["account"]:
        return None
    return found


def block(db, point: dict) -> dict:
    """The Block Public Access settings in force for requests through the access point:
    its own and its account's, a setting on in either being on."""
    own = json.loads(point["block"])
    account = store.get_account_config(db, point["account"], "public-access-block") or {}
    return {flag: bool(own.get(flag) or account.get(flag)) for flag in BLOCK_FLAGS}


def is_public(text: str) -> bool:
    return policies.parse(text).public


def load_policy(text: str):
    """The document of a policy text, or None when it is not a JSON object."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        return policies.document(text)
    except ValueError:
        return None

