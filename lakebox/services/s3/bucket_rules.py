"""Bucket settings S3 checks before it keeps them: CORS, policy, lifecycle, notification,
logging, replication. Lifecycle rules are carried out by lifecycle.py; CORS rules answer
preflight requests in cors.py."""
import datetime
import re
import secrets

from lakebox.kit import arns, policies
from lakebox.services.s3 import (access, errors, model, notifications, payload, policy_rules, public_policy,
                                 replication_rules, store)
from lakebox.services.s3.bucket_config import delete_simple, owned_with_body, stored
from lakebox.services.sqs import public as sqs

CORS_METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
MAX_CORS_RULES = 100
MAX_LIFECYCLE_RULES = 1000
LIFECYCLE_ACTIONS = ("Expiration", "Transitions", "NoncurrentVersionExpiration",
                     "NoncurrentVersionTransitions", "AbortIncompleteMultipartUpload", "Transition",
                     "NoncurrentVersionTransition")
# Infrequent-access classes take objects 30 days old at the earliest.
MINIMUM_TRANSITION_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
DEFAULT_MINIMUM_SIZE = "all_storage_classes_128K"


# ---- CORS ------------------------------------------------------------------------

# A header name's characters (RFC 9110 token), and the wildcard; an empty name is taken.
_HEADER_PATTERN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]*")

def put_bucket_cors(ctx, params):
    bucket = owned_with_body(ctx, params, "CORSConfiguration")
    rules = params["CORSConfiguration"].get("CORSRules") or []
    if not rules:
        raise errors.error("MalformedXML")
    if len(rules) > MAX_CORS_RULES:
        raise errors.error("InvalidRequest", f"A CORS configuration can have at most {MAX_CORS_RULES} rules.")
    for rule in rules:
        for method in rule.get("AllowedMethods") or []:
            if method not in CORS_METHODS:
                raise errors.error("InvalidRequest", "Found unsupported HTTP method in CORS config. "
                                   f"Unsupported method is {method}")
        for field in ("AllowedOrigins", "AllowedHeaders"):
            for pattern in rule.get(field) or []:
                if pattern.count("*") > 1:
                    raise errors.error("InvalidRequest", f'{field[:-1]} "{pattern}" can not have more than one '
                                       "wildcard.")
        for header in rule.get("AllowedHeaders") or []:
            if not _HEADER_PATTERN.fullmatch(header):
                raise errors.error("InvalidRequest", f'AllowedHeader "{header}" contains invalid character.')
        for header in rule.get("ExposeHeaders") or []:
            if "*" in header:
                raise errors.error("InvalidRequest", f'ExposeHeader "{header}" contains wildcard. We currently do '
                                   "not support wildcard for ExposeHeader.")
    store.put_config(ctx.state.db, bucket["name"], "cors", params["CORSConfiguration"])
    return {}


def get_bucket_cors(ctx, params):
    config = stored(ctx, params, "cors", "NoSuchCORSConfiguration")
    return {"CORSRules": config["CORSRules"], "__xml_root__": "CORSConfiguration"}


def delete_bucket_cors(ctx, params):
    return delete_simple(ctx, params, "cors")


# ---- policy ----------------------------------------------------------------------

def put_bucket_policy(ctx, params):
    bucket = owned_with_body(ctx, params, "Policy")
    text = params["Policy"]
    policy_rules.check(text, bucket["name"])
    if access.public_access_block(ctx.state.db, bucket)["BlockPublicPolicy"] and public_policy.is_public(text):
        raise errors.error(
            "AccessDenied", f"User: {ctx.caller_arn} is not authorized to perform: s3:PutBucketPolicy on resource: "
            f'"arn:aws:s3:::{bucket["name"]}" because public policies are blocked by the BlockPublicPolicy '
            "block public access setting.")
    store.put_config(ctx.state.db, bucket["name"], "policy", policy_rules.stored_form(text))
    return {"__status__": 204}          # S3 answers PutBucketPolicy with 204 No Content


def get_bucket_policy(ctx, params):
    return {"Policy": stored(ctx, params, "policy", "NoSuchBucketPolicy")}


def get_bucket_policy_status(ctx, params):
    text = stored(ctx, params, "policy", "NoSuchBucketPolicy")
    return {"PolicyStatus": {"IsPublic": public_policy.is_public(text)}}


def delete_bucket_policy(ctx, params):
    return delete_simple(ctx, params, "policy")


# ---- lifecycle -------------------------------------------------------------------

def put_bucket_lifecycle_configuration(ctx, params):
    bucket = owned_with_body(ctx, params, "LifecycleConfiguration")
    rules = params["LifecycleConfiguration"].get("Rules") or []
    _check_lifecycle_rules(rules)
    minimum = params.get("TransitionDefaultMinimumObjectSize") or DEFAULT_MINIMUM_SIZE
    store.put_config(ctx.state.db, bucket["name"], "lifecycle",
                     {"Rules": rules, "TransitionDefaultMinimumObjectSize": minimum})
    ctx.state.scheduler.poke("s3")       # rules that already apply run at once
    return {"TransitionDefaultMinimumObjectSize": minimum}


def _check_lifecycle_rules(rules: list):
    if not rules or len(rules) > MAX_LIFECYCLE_RULES:
        raise errors.error("MalformedXML")
    if any("Filter" in rule for rule in rules) and any("Prefix" in rule for rule in rules):
        # a configuration is all legacy rules (Prefix) or all Filter rules, never a mix
        raise errors.error("InvalidRequest", "Base level prefix cannot be used in Lifecycle V2, prefixes can only "
                           "be used in the Filter.")
    model.name_rules(rules)
    for rule in rules:
        if rule.get("Status") not in ("Enabled", "Disabled"):
            raise errors.error("MalformedXML")
        if "Filter" not in rule and "Prefix" not in rule:
            raise errors.error("MalformedXML")
        _check_filter(rule.get("Filter"))
        if rule.get("Expiration") == {}:
            raise errors.error("MalformedXML")          # an Expiration element that says nothing
        if not any(rule.get(action) for action in LIFECYCLE_ACTIONS):
            raise errors.error("InvalidRequest", "At least one action needs to be specified in a rule")
        _check_expiration(rule.get("Expiration"))
        _check_transitions(rule)
        noncurrent = rule.get("NoncurrentVersionExpiration") or {}
        if "NoncurrentDays" in noncurrent and noncurrent["NoncurrentDays"] <= 0:
            raise errors.error("InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a "
                               "positive integer")
        abort = rule.get("AbortIncompleteMultipartUpload") or {}
        if "DaysAfterInitiation" in abort and abort["DaysAfterInitiation"] <= 0:
            raise errors.error("InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action "
                               "must be a positive integer")
        if abort and _filters_on_tags(rule.get("Filter")):
            raise errors.error("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")
        if (rule.get("Expiration") or {}).get("ExpiredObjectDeleteMarker") and _filters_on_tags(rule.get("Filter")):
            raise errors.error("InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with Tags.")


def _check_transitions(rule: dict):
    for action, days_field in (("Transitions", "Days"), ("NoncurrentVersionTransitions", "NoncurrentDays")):
        single = action[:-1]
        for transition in rule.get(action) or []:
            if action == "Transitions":
                if ("Date" in transition) == ("Days" in transition):
                    raise errors.error("MalformedXML")     # a transition is dated or counted, one of the two
                _check_midnight(transition.get("Date"))
            minimum = MINIMUM_TRANSITION_DAYS.get(transition.get("StorageClass"), 0)
            days = transition.get(days_field)
            if days is not None and days < minimum:
                raise errors.error("InvalidArgument", f"'{days_field}' in {single} action must be greater than "
                                   f"or equal to {minimum} for storageClass '{transition['StorageClass']}'")


def _filters_on_tags(rule_filter: dict | None) -> bool:
    if not rule_filter:
        return False
    return bool(rule_filter.get("Tag") or (rule_filter.get("And") or {}).get("Tags"))


def _check_filter(rule_filter: dict | None):
    """A filter names one condition, or combines several under And."""
    if rule_filter is None:
        return
    conditions = [name for name in ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
                  if name in rule_filter]
    if len(conditions) > 1:
        raise errors.error("MalformedXML")
    combined = rule_filter.get("And")
    _check_sizes(combined if combined is not None else rule_filter)
    if combined is not None:
        tags = combined.get("Tags") or []
        # And combines two conditions or more (a prefix, each tag, each size bound)
        if len(tags) + sum(name in combined for name in ("Prefix", "ObjectSizeGreaterThan", "ObjectSizeLessThan")) < 2:
            raise errors.error("MalformedXML")
        if len({tag.get("Key") for tag in tags}) < len(tags):
            raise errors.error("InvalidRequest", "Duplicate Tag Keys are not allowed.")


def _check_sizes(conditions: dict):
    """Size bounds: greater-than at least 0, less-than above 0, and a range not empty."""
    above, below = conditions.get("ObjectSizeGreaterThan"), conditions.get("ObjectSizeLessThan")
    if above is not None and above < 0:
        raise errors.error("InvalidRequest", "ObjectSizeGreaterThan must be a non-negative integer")
    if below is not None and below <= 0:
        raise errors.error("InvalidRequest", "ObjectSizeLessThan must be a positive integer")
    if above is not None and below is not None and above >= below:
        raise errors.error("InvalidRequest", "ObjectSizeGreaterThan must be less than ObjectSizeLessThan")


def _check_expiration(expiration: dict | None):
    if expiration is None:
        return
    given = [name for name in ("Date", "Days", "ExpiredObjectDeleteMarker") if name in expiration]
    if len(given) != 1:
        raise errors.error("MalformedXML")
    if "Days" in expiration and expiration["Days"] <= 0:
        raise errors.error("InvalidArgument", "'Days' for Expiration action must be a positive integer",
                           ArgumentName="Days", ArgumentValue=str(expiration["Days"]))
    _check_midnight(expiration.get("Date"))


def _check_midnight(date):
    """Lifecycle dates are days: midnight GMT, whatever zone the request wrote them in."""
    if date is None:
        return
    date = date.astimezone(datetime.timezone.utc)
    if (date.hour, date.minute, date.second, date.microsecond) != (0, 0, 0, 0):
        raise errors.error("InvalidArgument", "'Date' must be at midnight GMT")


def get_bucket_lifecycle_configuration(ctx, params):
    config = stored(ctx, params, "lifecycle", "NoSuchLifecycleConfiguration")
    return {**config, "__xml_root__": "LifecycleConfiguration"}


def delete_bucket_lifecycle(ctx, params):
    return delete_simple(ctx, params, "lifecycle")


def put_bucket_lifecycle(ctx, params):
    """The deprecated API: one Transition per rule and a rule-level Prefix."""
    bucket = owned_with_body(ctx, params, "LifecycleConfiguration")
    rules = [_current_rule(rule) for rule in params["LifecycleConfiguration"].get("Rules") or []]
    _check_lifecycle_rules(rules)
    store.put_config(ctx.state.db, bucket["name"], "lifecycle",
                     {"Rules": rules, "TransitionDefaultMinimumObjectSize": DEFAULT_MINIMUM_SIZE})
    ctx.state.scheduler.poke("s3")
    return {}


def get_bucket_lifecycle(ctx, params):
    config = stored(ctx, params, "lifecycle", "NoSuchLifecycleConfiguration")
    return {"Rules": [_legacy_rule(rule) for rule in config["Rules"]], "__xml_root__": "LifecycleConfiguration"}


def _current_rule(rule: dict) -> dict:
    rule = dict(rule)
    for single, plural in (("Transition", "Transitions"),
                           ("NoncurrentVersionTransition", "NoncurrentVersionTransitions")):
        if single in rule:
            rule[plural] = [rule.pop(single)]
    return rule


def _legacy_rule(rule: dict) -> dict:
    legacy = {k: v for k, v in rule.items() if k not in ("Filter", "Transitions", "NoncurrentVersionTransitions")}
    legacy["Prefix"] = rule.get("Prefix", (rule.get("Filter") or {}).get("Prefix", ""))
    for single, plural in (("Transition", "Transitions"),
                           ("NoncurrentVersionTransition", "NoncurrentVersionTransitions")):
        if rule.get(plural):
            legacy[single] = rule[plural][0]
    return legacy


# ---- notification ----------------------------------------------------------------

# list member -> (deprecated single member, its ARN member, the current ARN member)
NOTIFICATION_KINDS = {
    "TopicConfigurations": ("TopicConfiguration", "Topic", "TopicArn"),
    "QueueConfigurations": ("QueueConfiguration", "Queue", "QueueArn"),
    "LambdaFunctionConfigurations": ("CloudFunctionConfiguration", "CloudFunction", "LambdaFunctionArn"),
}
DESTINATION_SERVICES = {"TopicArn": "sns", "QueueArn": "sqs", "LambdaFunctionArn": "lambda"}
WIRE_NAMES = {arn_member: wire for wire, arn_member in (kind[1:] for kind in NOTIFICATION_KINDS.values())}


def put_bucket_notification_configuration(ctx, params):
    bucket = access.owned_bucket(ctx, params)
    _name_filter_rules(params.get("NotificationConfiguration") or {})
    payload.check_body(ctx, params, "NotificationConfiguration")
    _store_notification(ctx, bucket, dict(params["NotificationConfiguration"]),
                        skip_validation=params.get("SkipDestinationValidation", False))
    return {}


def _store_notification(ctx, bucket, config: dict, skip_validation: bool = False):
    """Keep a notification configuration; entries without an Id get one, as S3 gives them.
    `skip_validation` (x-amz-skip-destination-validation) skips whether destinations exist.
    Each entry's form is judged first; then every queue S3 cannot deliver to is named in
    one refusal (ArgumentName1/ArgumentValue1, ArgumentName2/..., as S3 lists them)."""
    missing = []
    for name, (_, _, arn_member) in NOTIFICATION_KINDS.items():
        for entry in config.get(name) or []:
            entry.setdefault("Id", secrets.token_hex(16))
            refusal = _check_destination(ctx, bucket, arn_member, entry.get(arn_member) or "", skip_validation)
            if refusal:
                missing.append((entry[arn_member], refusal))
            for event in entry.get("Events") or []:
                if not event.startswith("s3:"):
                    raise errors.error("InvalidArgument", "The event is not supported for notifications",
                                       ArgumentName="Event", ArgumentValue=event)
    if missing:
        named = {}
        for number, (arn, refusal) in enumerate(dict.fromkeys(missing), start=1):
            named.update({f"ArgumentName{number}": arn, f"ArgumentValue{number}": refusal})
        raise errors.error("InvalidArgument", "Unable to validate the following destination configurations",
                           **named)
    _check_overlaps([entry for name in NOTIFICATION_KINDS for entry in config.get(name) or []])
    store.put_config(ctx.state.db, bucket["name"], "notification", config)
    notifications.configuration_stored(ctx, bucket, config)


def _name_filter_rules(config: dict):
    """A key filter's rules are named prefix or suffix in any case, and kept as `Prefix`
    and `Suffix`; another name, or a second rule of one name, is refused."""
    for name in NOTIFICATION_KINDS:
        for entry in config.get(name) or []:
            seen = set()
            for rule in ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []:
                given = rule.get("Name")
                if given is None:
                    continue                    # the schema's check: MalformedXML
                kind = given.lower()
                if kind not in ("prefix", "suffix"):
                    raise errors.error("InvalidArgument", "filter rule name must be either prefix or suffix",
                                       ArgumentName="FilterRule.Name", ArgumentValue=given)
                if kind in seen:
                    raise errors.error("InvalidArgument", f"Cannot specify more than one {kind} rule in a filter.")
                seen.add(kind)
                rule["Name"] = kind.capitalize()


def _check_overlaps(entries: list):
    """S3 refuses two configurations (of any destination kind) that could both match one
    event on one key: an event type in common (`s3:ObjectCreated:*` covers
    `s3:ObjectCreated:Put`), prefixes of which one starts the other, and suffixes of
    which one ends the other (no filter is the empty prefix and suffix)."""
    shapes = [(entry.get("Events") or [], *_key_filter(entry)) for entry in entries]
    for index, (events, prefix, suffix) in enumerate(shapes):
        for other_events, other_prefix, other_suffix in shapes[index + 1:]:
            if (any(_events_overlap(a, b) for a in events for b in other_events)
                    and (prefix.startswith(other_prefix) or other_prefix.startswith(prefix))
                    and (suffix.endswith(other_suffix) or other_suffix.endswith(suffix))):
                raise errors.error("InvalidArgument", "Configuration is ambiguously defined. Cannot have "
                                   "overlapping suffixes in two rules if the prefixes are overlapping for the "
                                   "same event type.")


def _key_filter(entry) -> tuple:
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or []
    values = {(rule.get("Name") or "").lower(): rule.get("Value") or "" for rule in rules}
    return values.get("prefix", ""), values.get("suffix", "")


def _events_overlap(one: str, other: str) -> bool:
    return one == other or _covers(one, other) or _covers(other, one)


def _covers(pattern: str, event: str) -> bool:
    """`s3:ObjectCreated:*` covers every `s3:ObjectCreated:...` event."""
    return pattern.endswith(":*") and event.startswith(pattern[:-1])


def _check_destination(ctx, bucket, arn_member: str, arn: str, skip_validation: bool):
    """S3 checks a destination before it keeps a configuration (PutBucketNotificationConfiguration:
    "it first verifies that any ... destination exists"): an ARN of the right service, in
    the bucket's region. Returns why S3 cannot deliver there, or None: for SQS, which
    lakebox serves, a queue that does not exist, or whose policy does not let S3 send for
    this bucket (unless `skip_validation`); SNS topics and Lambda functions are not
    served, and a well-formed ARN of theirs is kept as sent."""
    if not arn.startswith("arn:") or arn.count(":") < 5:        # not an ARN at all
        raise errors.error("InvalidArgument", "The ARN could not be parsed", ArgumentName=WIRE_NAMES[arn_member],
                           ArgumentValue=arn)
    parsed = arns.parse(arn)
    if parsed is None or parsed.service != DESTINATION_SERVICES[arn_member] or not parsed.account:
        raise errors.error("InvalidArgument", "The ARN is not well formed", ArgumentName=arn_member,
                           ArgumentValue=arn)
    if parsed.region != bucket["region"]:
        raise errors.error("InvalidArgument", "The notification destination service region is not valid for "
                           "the bucket location constraint", ArgumentName=arn_member, ArgumentValue=arn)
    if arn_member != "QueueArn" or skip_validation:
        return None
    if not sqs.queue_exists(ctx.state, arn):
        return "The destination queue does not exist"
    if not sqs.accepts(ctx.state, arn, "s3", f"arn:aws:s3:::{bucket['name']}", bucket["account"]):
        return "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
    return None


def get_bucket_notification_configuration(ctx, params):
    return {**stored(ctx, params, "notification", default={}), "__xml_root__": "NotificationConfiguration"}


def put_bucket_notification(ctx, params):
    """The deprecated API: at most one configuration of each kind, `Event` or `Events`."""
    bucket = owned_with_body(ctx, params, "NotificationConfiguration")
    legacy = params["NotificationConfiguration"]
    current = {}
    for plural, (single, legacy_arn, arn) in NOTIFICATION_KINDS.items():
        entry = legacy.get(single)
        if entry:
            events = entry.get("Events") or ([entry["Event"]] if entry.get("Event") else [])
            converted = {"Id": entry.get("Id"), arn: entry.get(legacy_arn), "Events": events}
            current[plural] = [{k: v for k, v in converted.items() if v is not None}]
    _store_notification(ctx, bucket, current)
    return {}


def get_bucket_notification(ctx, params):
    config = stored(ctx, params, "notification", default={})
    result = {"__xml_root__": "NotificationConfiguration"}
    for plural, (single, legacy_arn, arn) in NOTIFICATION_KINDS.items():
        entries = config.get(plural) or []
        if entries:
            entry = entries[0]
            events = entry.get("Events") or []
            result[single] = {"Id": entry.get("Id"), "Events": events, "Event": events[0] if events else None,
                              legacy_arn: entry.get(arn)}
    return result


# ---- logging and replication -----------------------------------------------------

def put_bucket_logging(ctx, params):
    bucket = owned_with_body(ctx, params, "BucketLoggingStatus")
    enabled = params["BucketLoggingStatus"].get("LoggingEnabled")
    if len((enabled or {}).get("TargetObjectKeyFormat") or {}) > 1:      # SimplePrefix or PartitionedPrefix
        raise errors.error("MalformedXML")
    if enabled:
        # the target is the source bucket owner's, whoever the policy lets set logging
        target = store.get_bucket(ctx.state.db, enabled.get("TargetBucket", ""))
        if target is None or target["account"] != bucket["account"]:
            raise errors.error("InvalidTargetBucketForLogging", "The target bucket for logging does not exist",
                               TargetBucket=enabled.get("TargetBucket"))
        if target["region"] != bucket["region"]:
            raise errors.error("CrossLocationLoggingProhibitted", TargetBucketLocation=target["region"])
        if enabled.get("TargetGrants") and access.acls_disabled(ctx, target):
            raise errors.error("AccessControlListNotSupported")
    store.put_config(ctx.state.db, bucket["name"], "logging", params["BucketLoggingStatus"])
    return {}


def get_bucket_logging(ctx, params):
    return {**stored(ctx, params, "logging", default={}), "__xml_root__": "BucketLoggingStatus"}


def put_bucket_replication(ctx, params):
    bucket = owned_with_body(ctx, params, "ReplicationConfiguration")
    if bucket["versioning"] != "Enabled":
        raise errors.error("InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication "
                           "configuration")
    _check_replication_role(params["ReplicationConfiguration"].get("Role"))
    replication_rules.check_schemas(params["ReplicationConfiguration"].get("Rules") or [])
    replication_rules.check_destinations(params["ReplicationConfiguration"].get("Rules") or [], bucket["name"])
    for rule in params["ReplicationConfiguration"].get("Rules") or []:
        _check_filter(rule.get("Filter"))       # a filter as lifecycle's (recorded from S3 for both)
    priorities = set()
    for rule in params["ReplicationConfiguration"].get("Rules") or []:
        if "Filter" in rule and rule.get("DeleteMarkerReplication") is None:
            # A rule with a Filter is of the second schema, which names delete marker replication.
            raise errors.error("InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross "
                               "Region Replication configuration schema. Please refer to S3 Developer Guide for more "
                               "information.")
        if rule.get("Priority") is not None:
            if rule["Priority"] in priorities:
                raise errors.error("InvalidRequest", f"Found duplicate priority {rule['Priority']}.")
            priorities.add(rule["Priority"])
    for rule in params["ReplicationConfiguration"].get("Rules") or []:       # then where each rule sends copies
        destination = (rule.get("Destination") or {}).get("Bucket", "")
        target = store.get_bucket(ctx.state.db, destination.rpartition(":")[2])
        if target is None:
            raise errors.error("InvalidRequest", "Destination bucket must exist.")
        if target["versioning"] != "Enabled":
            raise errors.error("InvalidRequest", "Destination bucket must have versioning enabled.")
    store.put_config(ctx.state.db, bucket["name"], "replication", params["ReplicationConfiguration"])
    return {}


def _check_replication_role(role):
    """The role S3 replicates as is an IAM role's ARN, else InvalidArgument; a role that
    does not exist is taken (recorded from S3; the message is not recorded)."""
    arn = arns.parse(role or "")
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
        raise errors.error("InvalidArgument", "Invalid ReplicationConfiguration Role ARN")


def get_bucket_replication(ctx, params):
    return {"ReplicationConfiguration": stored(ctx, params, "replication", "ReplicationConfigurationNotFoundError")}


def delete_bucket_replication(ctx, params):
    return delete_simple(ctx, params, "replication")
