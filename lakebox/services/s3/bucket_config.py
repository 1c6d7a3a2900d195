"""Bucket settings kept and returned as sent: versioning, tagging, encryption, ownership,
public access block, object lock, accelerate, request payment, website, ABAC, and the
per-id analytics / inventory / metrics / intelligent-tiering configurations.

Each is stored as the boto3-shaped document the client sent (store.put_config), so it
comes back exactly as written.
"""
import http
import re

from lakebox.aws.errors import AwsError
from lakebox.services.s3 import access, analytics_rules, errors, model, payload, sse_c_block, store, versions

DEFAULT_ENCRYPTION = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                 "BucketKeyEnabled": False}]}
CONFIGS_PER_PAGE = 100
MAX_CONFIGS = 1000          # of each kind kept per id, per bucket ("up to 1,000 ... per bucket")
# "The ID has a 64 character limit and can only contain letters, numbers, periods, dashes,
# and underscores" (S3 API reference, MetricsConfiguration).
METRICS_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
DESTINATION_ARN = re.compile(r"arn:aws:s3:::[^/:]+")
MAX_ROUTING_RULES = 50
# The redirects a website routing rule may answer with ("3XX except 300", and of those
# the ones S3 takes).
REDIRECT_CODES = ("301", "302", "303", "304", "305", "307", "308")
# an error code a rule may name: a 4XX or 5XX status HTTP defines (599 is refused, as S3 answered)
HTTP_STATUSES = frozenset(status.value for status in http.HTTPStatus)


# ---- shared shapes of a setting's life ------------------------------------------

def owned_with_body(ctx, params: dict, member: str):
    """The bucket, once the request body (payload `member`) is present, intact and valid."""
    bucket = access.owned_bucket(ctx, params)
    payload.check_body(ctx, params, member)
    return bucket


def stored(ctx, params: dict, kind: str, missing: str | None = None, default=None):
    """A stored setting of the caller's bucket; the error coded `missing` is raised when
    there is none."""
    bucket = access.owned_bucket(ctx, params)
    config = store.get_config(ctx.state.db, bucket["name"], kind)
    if config is None:
        if missing is not None:
            raise errors.error(missing, BucketName=bucket["name"])
        return default
    return config


def put_simple(ctx, params: dict, kind: str, member: str, check=None) -> dict:
    """Store the setting in payload `member`, after `check(setting)` if given."""
    bucket = owned_with_body(ctx, params, member)
    if check is not None:
        check(params[member])
    store.put_config(ctx.state.db, bucket["name"], kind, params[member])
    return {}


def delete_simple(ctx, params: dict, kind: str) -> dict:
    bucket = access.owned_bucket(ctx, params)
    store.delete_config(ctx.state.db, bucket["name"], kind)
    return {}


# ---- versioning ------------------------------------------------------------------

def put_bucket_versioning(ctx, params):
    if (params.get("VersioningConfiguration") or {}).get("Status") == "":
        del params["VersioningConfiguration"]["Status"]     # an empty Status is none (not a value off the schema)
    bucket = owned_with_body(ctx, params, "VersioningConfiguration")
    config = params["VersioningConfiguration"]
    status = config.get("Status")
    if status is None:
        raise errors.error("IllegalVersioningConfigurationException")
    if status not in ("Enabled", "Suspended"):      # S3's schema is case-sensitive here: 'enabled' is no Status
        raise errors.error("MalformedXML")
    if bucket["object_lock"] and status != "Enabled":
        raise errors.error("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the "
                           "versioning state cannot be changed.")
    if status == "Suspended" and store.get_config(ctx.state.db, bucket["name"], "replication"):
        # recorded from S3 (409); the words follow S3's Object Lock refusal (not recorded)
        raise errors.error("InvalidBucketState", "A replication configuration is present on this bucket, so the "
                           "versioning state cannot be changed.")
    mfa_delete = config.get("MFADelete")
    if mfa_delete is not None and mfa_delete != (bucket["mfa_delete"] or "Disabled"):
        bucket = {**bucket, "mfa_delete": "Enabled"}      # turning MFA delete on or off needs the MFA too
    versions.require_mfa(bucket, params)
    store.set_versioning(ctx.state.db, bucket["name"], status, mfa_delete)
    return {}


def get_bucket_versioning(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    return {"Status": bucket["versioning"], "MFADelete": bucket["mfa_delete"],
            "__xml_root__": "VersioningConfiguration"}


# ---- tagging ---------------------------------------------------------------------

def put_bucket_tagging(ctx, params):
    def check(tagging):
        _refuse_under_abac(ctx, params["Bucket"])
        model.check_tags(tagging["TagSet"], model.BUCKET_TAGS)
    put_simple(ctx, params, "tagging", "Tagging", check)
    return {"__status__": 204}      # S3 answers PutBucketTagging 204 No Content (recorded replies)


def _refuse_under_abac(ctx, name: str):
    """With ABAC on, a bucket's tags change only through S3 Control's TagResource and
    UntagResource (recorded from S3: 400 BadRequest; its words are not recorded)."""
    if (store.get_config(ctx.state.db, name, "abac") or {}).get("Status") == "Enabled":
        raise errors.error("BadRequest", "Bucket tags of a bucket with ABAC enabled are changed with TagResource "
                           "and UntagResource.")


def get_bucket_tagging(ctx, params):
    config = stored(ctx, params, "tagging", "NoSuchTagSet")
    if not config.get("TagSet"):        # an empty TagSet put is no tag set at all
        raise errors.error("NoSuchTagSet", BucketName=params["Bucket"])
    return {"TagSet": config["TagSet"], "__xml_root__": "Tagging"}


def delete_bucket_tagging(ctx, params):
    access.owned_bucket(ctx, params)
    _refuse_under_abac(ctx, params["Bucket"])
    return delete_simple(ctx, params, "tagging")


# ---- default encryption ----------------------------------------------------------

def put_bucket_encryption(ctx, params):
    return put_simple(ctx, params, "encryption", "ServerSideEncryptionConfiguration", _check_encryption)


def _check_encryption(config: dict):
    sse_c_block.check_config(config)
    for rule in config["Rules"]:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        if default.get("KMSMasterKeyID") and not default.get("SSEAlgorithm", "").startswith("aws:kms"):
            raise errors.error("InvalidArgument", "a KMSMasterKeyID is not applicable if the default sse algorithm "
                               "is not aws:kms or aws:kms:dsse")


def get_bucket_encryption(ctx, params):
    """Every bucket encrypts by default: without a setting, that is SSE-S3."""
    return {"ServerSideEncryptionConfiguration": sse_c_block.shown(
        stored(ctx, params, "encryption", default=DEFAULT_ENCRYPTION))}


def delete_bucket_encryption(ctx, params):
    return delete_simple(ctx, params, "encryption")


# ---- ownership controls and public access block ----------------------------------

def put_bucket_ownership_controls(ctx, params):
    def check(controls):
        """One rule, no more (recorded S3 replies); ACLs are disabled only once the bucket ACL
        grants no one but the owner (S3 User Guide, "Troubleshooting" Object Ownership:
        InvalidBucketAclWithObjectOwnership)."""
        if len(controls.get("Rules") or []) != 1:
            raise errors.error("MalformedXML")
        enforced = any(rule.get("ObjectOwnership") == "BucketOwnerEnforced" for rule in controls.get("Rules") or [])
        owner_id = model.canonical_user_id(store.get_bucket(ctx.state.db, params["Bucket"])["account"])
        grants = store.get_config(ctx.state.db, params["Bucket"], "acl")
        # Only the owner's full control, alone (an owner READ-only or empty ACL is refused too:
        # recorded from S3).
        if enforced and grants is not None and [(g.get("Grantee", {}).get("ID"), g.get("Permission"))
                                                for g in grants] != [(owner_id, "FULL_CONTROL")]:
            raise errors.error("InvalidBucketAclWithObjectOwnership")
    return put_simple(ctx, params, "ownership", "OwnershipControls", check)


def get_bucket_ownership_controls(ctx, params):
    return {"OwnershipControls": stored(ctx, params, "ownership", "OwnershipControlsNotFoundError")}


def delete_bucket_ownership_controls(ctx, params):
    return delete_simple(ctx, params, "ownership")


def put_public_access_block(ctx, params):
    """A configuration replaces the bucket's whole one: a flag it leaves out is off, and
    one that names no flag is refused, after the bucket's owner is checked (as recorded
    from S3)."""
    bucket = owned_with_body(ctx, params, "PublicAccessBlockConfiguration")
    config = params["PublicAccessBlockConfiguration"]
    if not any(flag in config for flag in access.BLOCK_FLAGS):
        raise errors.error("InvalidRequest", "Must specify at least one configuration.")
    store.put_config(ctx.state.db, bucket["name"], "public-access-block",
                     {flag: bool(config.get(flag)) for flag in access.BLOCK_FLAGS})
    return {}


def get_public_access_block(ctx, params):
    config = stored(ctx, params, "public-access-block", "NoSuchPublicAccessBlockConfiguration")
    return {"PublicAccessBlockConfiguration": config}


def delete_public_access_block(ctx, params):
    return delete_simple(ctx, params, "public-access-block")


# ---- object lock -----------------------------------------------------------------

LOCK_PERIOD_LIMITS = {"Days": 36500, "Years": 100}


def put_object_lock_configuration(ctx, params):
    bucket = owned_with_body(ctx, params, "ObjectLockConfiguration")
    config = params["ObjectLockConfiguration"]
    if bucket["versioning"] != "Enabled":
        raise errors.error("InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object "
                           "Lock configuration")
    if config.get("ObjectLockEnabled") != "Enabled":
        raise errors.error("MalformedXML")
    retention = (config.get("Rule") or {}).get("DefaultRetention")
    if "Rule" in config and retention is None:      # an empty Rule
        raise errors.error("MalformedXML")
    if retention is not None:
        if retention.get("Mode") not in model.LOCK_MODES or ("Days" in retention and "Years" in retention):
            raise errors.error("MalformedXML")
        if "Days" not in retention and "Years" not in retention:    # a mode and no period
            raise errors.error("InvalidRequest", "Default retention period must be specified")
        unit = "Days" if "Days" in retention else "Years"
        period = retention[unit]
        if period > 2147483647:         # no integer of S3's schema
            raise errors.error("MalformedXML")
        if period <= 0:
            raise errors.error("InvalidArgument", "Default retention period must be a positive integer value",
                               ArgumentName=unit, ArgumentValue=str(period))
        if period > LOCK_PERIOD_LIMITS[unit]:       # 100 years, 36500 days
            raise errors.error("InvalidArgument", "Default retention period is too large.", ArgumentName=unit,
                               ArgumentValue=str(period))
    with ctx.state.db.transaction():
        store.set_object_lock(ctx.state.db, bucket["name"], True)
        store.put_config(ctx.state.db, bucket["name"], "object-lock", config)
    return {}


def get_object_lock_configuration(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    if not bucket["object_lock"]:
        raise errors.error("ObjectLockConfigurationNotFoundError", BucketName=bucket["name"])
    config = store.get_config(ctx.state.db, bucket["name"], "object-lock") or {"ObjectLockEnabled": "Enabled"}
    return {"ObjectLockConfiguration": config}


# ---- accelerate, request payment, website, ABAC ----------------------------------

def put_bucket_accelerate_configuration(ctx, params):
    def check(config):
        # as S3 answered (radkawar/stackd testdata/aws/s3/acceleration_controls_replay.json)
        if config.get("Status") is None:
            raise errors.error("IllegalAccelerateConfigurationException")
        if "." in params["Bucket"]:
            raise errors.error("InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with "
                               "periods (.) in their names")
    return put_simple(ctx, params, "accelerate", "AccelerateConfiguration", check)


def get_bucket_accelerate_configuration(ctx, params):
    return {**stored(ctx, params, "accelerate", default={}), "__xml_root__": "AccelerateConfiguration"}


def put_bucket_request_payment(ctx, params):
    return put_simple(ctx, params, "request-payment", "RequestPaymentConfiguration")


def get_bucket_request_payment(ctx, params):
    config = stored(ctx, params, "request-payment", default={"Payer": "BucketOwner"})
    return {**config, "__xml_root__": "RequestPaymentConfiguration"}


def put_bucket_website(ctx, params):
    return put_simple(ctx, params, "website", "WebsiteConfiguration", _check_website)


def _check_website(config: dict):
    """An index document (a non-empty suffix without a slash), or a redirect of every
    request to a named host and nothing else (the refusals as S3 answered them: radkawar/stackd
    testdata/aws/s3/website_admission_replay.json)."""
    everything = config.get("RedirectAllRequestsTo")
    if everything is not None:
        if len([name for name, value in config.items() if value]) > 1:
            raise errors.error("InvalidArgument", "RedirectAllRequestsTo cannot be provided in conjunction with "
                               "other Routing Rules.", ArgumentName="RedirectAllRequestsTo", ArgumentValue="not null")
        if not everything.get("HostName"):
            raise errors.error("InvalidRequest", "The HostName of RedirectAllRequestsTo must not be empty.")
        _check_protocol(everything)
        return
    suffix = (config.get("IndexDocument") or {}).get("Suffix")
    if suffix is None:
        raise errors.error("InvalidArgument", "A value for IndexDocument Suffix must be provided if "
                           "RedirectAllRequestsTo is empty", ArgumentName="IndexDocument", ArgumentValue="null")
    if not suffix or "/" in suffix:
        raise errors.error("InvalidArgument", "The IndexDocument Suffix is not well formed",
                           ArgumentName="IndexDocument", ArgumentValue=suffix)
    document = config.get("ErrorDocument")
    if document is not None and not document.get("Key"):
        raise errors.error("InvalidArgument", "The ErrorDocument Key is not well formed",
                           ArgumentName="ErrorDocument", ArgumentValue=document.get("Key") or "")
    rules = config.get("RoutingRules") or []
    if len(rules) > MAX_ROUTING_RULES:
        raise errors.error("InvalidRequest", f"{len(rules)} routing rules provided, the number of routing rules in "
                           f"a website configuration is limited to {MAX_ROUTING_RULES}.")
    for rule in rules:
        _check_routing_rule(rule)


def _check_protocol(redirect: dict):
    if redirect.get("Protocol") not in (None, "http", "https"):       # 'HTTPS' too
        raise errors.error("InvalidRequest", "Invalid protocol, protocol can be http or https. If not defined "
                           "the protocol will be selected automatically.")


def _check_routing_rule(rule: dict):
    condition, redirect = rule.get("Condition"), rule.get("Redirect") or {}
    if condition is not None and not condition:
        raise errors.error("InvalidRequest", "Condition cannot be empty. To redirect all requests without a "
                           "condition, the condition element shouldn't be present.")
    code = (condition or {}).get("HttpErrorCodeReturnedEquals")
    if code is not None and not code.isdigit():           # not a number: against S3's schema
        raise errors.error("MalformedXML")
    if code is not None and not (400 <= int(code) < 600 and int(code) in HTTP_STATUSES):
        raise errors.error("InvalidRequest", f"The provided HTTP error code ({code}) is not valid. "
                           "Valid codes are 4XX or 5XX.")
    if "ReplaceKeyWith" in redirect and "ReplaceKeyPrefixWith" in redirect:
        raise errors.error("InvalidRequest", "You can only define ReplaceKeyPrefix or ReplaceKey but not both.")
    code = redirect.get("HttpRedirectCode")
    if code is not None and not code.isdigit():
        raise errors.error("MalformedXML")
    if code is not None and code not in REDIRECT_CODES:
        raise errors.error("InvalidRequest", f"The provided HTTP redirect code ({code}) is not valid. "
                           "Valid codes are 3XX except 300.")
    _check_protocol(redirect)


def get_bucket_website(ctx, params):
    return {**stored(ctx, params, "website", "NoSuchWebsiteConfiguration"),
            "__xml_root__": "WebsiteConfiguration"}


def delete_bucket_website(ctx, params):
    return delete_simple(ctx, params, "website")


def put_bucket_abac(ctx, params):
    return put_simple(ctx, params, "abac", "AbacStatus")


def get_bucket_abac(ctx, params):
    return {"AbacStatus": stored(ctx, params, "abac", default={"Status": "Disabled"})}


# ---- configurations kept per id --------------------------------------------------

# S3 answers these PUTs 204 No Content (radkawar/stackd testdata/aws/s3/inventory_control_replay.json,
# analytics_controls_replay.json, intelligent_tiering_control_replay.json, request_metrics_control_replay.json)
ANSWERED_204 = frozenset({"inventory", "analytics", "intelligent-tiering", "metrics"})
# kinds whose body Id differing from the query's is IdMismatch (inventory_control_replay.json)
ID_MISMATCH = frozenset({"inventory"})
# kinds whose empty or missing query id is refused before the body, read as no configuration
# (intelligent_tiering_control_replay.json: query-id-empty, both-id-empty, empty-query-invalid-status,
# query-id-omitted, get-id-omitted, xml-id-empty-xml-read, delete-id-omitted)
QUERY_ID_FIRST = frozenset({"intelligent-tiering"})
TIERING_ID = METRICS_ID            # up to 64 (id-64 taken, id-65 InvalidConfigId)
_PER_ID = {
    "analytics": ("AnalyticsConfiguration", "AnalyticsConfigurationList"),
    "inventory": ("InventoryConfiguration", "InventoryConfigurationList"),
    "metrics": ("MetricsConfiguration", "MetricsConfigurationList"),
    "intelligent-tiering": ("IntelligentTieringConfiguration", "IntelligentTieringConfigurationList"),
}


def _put_by_id(ctx, params, kind, check=None):
    member = _PER_ID[kind][0]
    bucket = access.owned_bucket(ctx, params)
    if not params.get("Id") and kind in QUERY_ID_FIRST:
        raise errors.error("InvalidConfigurationId")       # before the body is read
    payload.check_body(ctx, params, member)
    config = params[member]
    if check is not None:
        check(config)
    if config.get("Id") != params["Id"]:
        if kind in ID_MISMATCH:
            raise errors.error("IdMismatch")
        raise errors.error("InvalidArgument", "Configuration Id in the request does not match the Id in the "
                           "configuration.", ArgumentName="id", ArgumentValue=params["Id"])
    db = ctx.state.db
    if (store.get_config(db, bucket["name"], kind, params["Id"]) is None
            and len(store.list_configs(db, bucket["name"], kind, "", MAX_CONFIGS)) >= MAX_CONFIGS):
        raise errors.error("TooManyConfigurations")
    store.put_config(db, bucket["name"], kind, config, params["Id"])
    return {"__status__": 204} if kind in ANSWERED_204 else {}


def _get_by_id(ctx, params, kind):
    bucket = access.owned_bucket(ctx, params)
    if not params.get("Id") and kind in QUERY_ID_FIRST:
        return {}                   # S3 answers 200 naming no configuration
    config = store.get_config(ctx.state.db, bucket["name"], kind, params["Id"])
    if config is None:
        raise errors.error("NoSuchConfiguration")
    return {_PER_ID[kind][0]: config}


def _delete_by_id(ctx, params, kind):
    bucket = access.owned_bucket(ctx, params)
    if not params.get("Id") and (kind in ID_MISMATCH or kind in QUERY_ID_FIRST):
        raise errors.error("InvalidConfigurationId")
    if not store.delete_config(ctx.state.db, bucket["name"], kind, params["Id"]):
        raise errors.error("NoSuchConfiguration")
    return {}


def _list_by_id(ctx, params, kind):
    bucket = access.owned_bucket(ctx, params)
    token = params.get("ContinuationToken")
    try:
        after = model.decode_token(token) if token else ""
    except AwsError:
        if kind in QUERY_ID_FIRST:      # intelligent_tiering_control_replay.json invalid-token-garbage, -q0099
            raise errors.error("MalformedContinuationToken") from None
        raise
    configs = store.list_configs(ctx.state.db, bucket["name"], kind, after, CONFIGS_PER_PAGE + 1)
    page = configs[:CONFIGS_PER_PAGE]
    result = {_PER_ID[kind][1]: page or None, "IsTruncated": len(configs) > CONFIGS_PER_PAGE,
              "ContinuationToken": token}
    if result["IsTruncated"]:
        result["NextContinuationToken"] = model.encode_token(page[-1]["Id"])
    return result


def put_bucket_analytics_configuration(ctx, params):
    def check(config):
        payload.check_root(ctx, "AnalyticsConfiguration")
        if not config.get("Id"):
            raise errors.error("InvalidConfigId")
        if config["Id"] != params["Id"]:
            raise errors.error("MalformedXML")           # (analytics_controls_replay.json, raw-different-id)
        analytics_rules.check_analytics(config)
    return _put_by_id(ctx, params, "analytics", check)


def get_bucket_analytics_configuration(ctx, params):
    return _get_by_id(ctx, params, "analytics")


def delete_bucket_analytics_configuration(ctx, params):
    return _delete_by_id(ctx, params, "analytics")


def list_bucket_analytics_configurations(ctx, params):
    return {**_list_by_id(ctx, params, "analytics"), "__xml_root__": "ListBucketAnalyticsConfigurationResult"}


def put_bucket_inventory_configuration(ctx, params):
    def check(config):
        payload.check_root(ctx, "InventoryConfiguration")
        _check_inventory(config)
    return _put_by_id(ctx, params, "inventory", check)


def _check_inventory(config: dict):
    """As S3 checks an inventory (radkawar/stackd testdata/aws/s3/inventory_control_replay.json):
    an Id of up to 64 letters, digits, '.', '_' or '-' and a Filter's non-empty Prefix, or
    MalformedXML; a destination that is a bucket's ARN alone, or InvalidS3DestinationBucket."""
    if not METRICS_ID.fullmatch(config.get("Id") or ""):
        raise errors.error("MalformedXML")
    if "Filter" in config and not (config["Filter"] or {}).get("Prefix"):       # <Filter><Prefix/></Filter>
        raise errors.error("MalformedXML")
    destination = (config.get("Destination") or {}).get("S3BucketDestination") or {}
    if not DESTINATION_ARN.fullmatch(str(destination.get("Bucket", ""))):
        # The report goes to a bucket named by its ARN; a bare name is no destination.
        raise errors.error("InvalidS3DestinationBucket")


def get_bucket_inventory_configuration(ctx, params):
    return _get_by_id(ctx, params, "inventory")


def delete_bucket_inventory_configuration(ctx, params):
    return _delete_by_id(ctx, params, "inventory")


def list_bucket_inventory_configurations(ctx, params):
    return {**_list_by_id(ctx, params, "inventory"), "__xml_root__": "ListInventoryConfigurationsResult"}


def put_bucket_metrics_configuration(ctx, params):
    def check(config):
        if not METRICS_ID.fullmatch(params["Id"]) or config.get("Id") != params["Id"]:
            raise errors.error("MalformedXML")        # as S3 answered (request_metrics_control_replay.json)
        analytics_rules.check_metrics_filter(config.get("Filter"))
    return _put_by_id(ctx, params, "metrics", check)


def get_bucket_metrics_configuration(ctx, params):
    return _get_by_id(ctx, params, "metrics")


def delete_bucket_metrics_configuration(ctx, params):
    return _delete_by_id(ctx, params, "metrics")


def list_bucket_metrics_configurations(ctx, params):
    return {**_list_by_id(ctx, params, "metrics"), "__xml_root__": "ListMetricsConfigurationsResult"}


# The fewest days without access before objects may move to each archive tier, and the
# most for either: "The maximum can be up to 2 years (730 days)" (S3 API reference, Tiering).
ARCHIVE_TIER_MINIMUM_DAYS = {"ARCHIVE_ACCESS": 90, "DEEP_ARCHIVE_ACCESS": 180}
ARCHIVE_TIER_MAXIMUM_DAYS = 730


def put_bucket_intelligent_tiering_configuration(ctx, params):
    return _put_by_id(ctx, params, "intelligent-tiering", lambda config: _check_tiering_id(config, params["Id"]))


def _check_tiering_id(config: dict, query_id: str):
    """As S3 answered (radkawar/stackd intelligent_tiering_control_replay.json: xml-id-missing,
    xml-id-empty, mismatched-id, mismatch-invalid-status, id-*): a body without Id or naming
    another than the query's is MalformedXML; an empty Id, or one with a character other
    than letters, digits, '.', '_' and '-', or over 64 characters, InvalidConfigId."""
    if "Id" not in config:
        raise errors.error("MalformedXML")
    if not TIERING_ID.fullmatch(config["Id"]):
        raise errors.error("InvalidConfigId")
    if config["Id"] != query_id:
        raise errors.error("MalformedXML")
    _check_tierings(config)


def _check_tierings(config: dict):
    """As S3 answered (radkawar/stackd testdata/aws/s3/intelligent_tiering_control_replay.json):
    Days beyond a 32-bit integer are MalformedXML; below a tier's minimum, over 730, or an
    archive tier not before the deep archive one, InvalidAccessTier (the words are lakebox's)."""
    if "Filter" in config:
        analytics_rules.check_filter(config["Filter"], empty_values=True, one_key_once=True)
    days = {}
    for tiering in config.get("Tierings") or []:
        tier, count = tiering.get("AccessTier"), tiering.get("Days", 0)
        if not -2 ** 31 <= count < 2 ** 31:
            raise errors.error("MalformedXML")
        minimum = ARCHIVE_TIER_MINIMUM_DAYS.get(tier, 0)
        if count < minimum:
            raise errors.error("InvalidAccessTier", f"Days for {tier} must be at least {minimum}.")
        if count > ARCHIVE_TIER_MAXIMUM_DAYS:
            raise errors.error("InvalidAccessTier", f"Days for {tier} must be at most {ARCHIVE_TIER_MAXIMUM_DAYS}.")
        days[tier] = count
    if days.get("ARCHIVE_ACCESS", 0) >= days.get("DEEP_ARCHIVE_ACCESS", ARCHIVE_TIER_MAXIMUM_DAYS + 1):
        raise errors.error("InvalidAccessTier", "Days for ARCHIVE_ACCESS must be fewer than Days for "
                           "DEEP_ARCHIVE_ACCESS.")


def get_bucket_intelligent_tiering_configuration(ctx, params):
    return _get_by_id(ctx, params, "intelligent-tiering")


def delete_bucket_intelligent_tiering_configuration(ctx, params):
    return _delete_by_id(ctx, params, "intelligent-tiering")


def list_bucket_intelligent_tiering_configurations(ctx, params):
    return {**_list_by_id(ctx, params, "intelligent-tiering"),
            "__xml_root__": "ListBucketIntelligentTieringConfigurationsOutput"}
