"""What S3 refuses in a replication configuration's rules, beyond the model, as recorded
from S3 (stackd's replication_control_replay.json): a rule names a Filter (the second
schema) or a Prefix (the first, legacy one), else MalformedXML; a legacy rule names no
Priority and no DeleteMarkerReplication, which belong to the second schema
(InvalidRequest); Priority is a 32-bit integer; SourceSelectionCriteria is not empty and
names KMS-encrypted objects only with a replica key (InvalidRequest); existing-object
replication is not turned on (MalformedXML); destinations are buckets' ARNs, not the
source's (`check_destinations`). S3's words for these refusals are not recorded there."""
import re

from lakebox.services.s3 import errors, model

_KEY_ID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|alias/.+")
SCHEMA_HINT = "for this version of Cross Region Replication configuration schema. Please refer to S3 Developer " \
              "Guide for more information."


def check_schemas(rules: list):
    """Also names a rule given no ID, or an empty one (as lifecycle rules are named), and
    refuses an ID over 255 characters or used twice (InvalidArgument, lifecycle's words),
    and a Filter rule without a Priority (InvalidRequest)."""
    model.name_rules(rules)
    for rule in rules:
        if "Filter" in rule and rule.get("Priority") is None:
            raise errors.error("InvalidRequest", f"Priority must be specified {SCHEMA_HINT}")
        if "Filter" not in rule and rule.get("Prefix") is None:
            raise errors.error("MalformedXML")
        if not -2 ** 31 <= (rule.get("Priority") or 0) < 2 ** 31:
            raise errors.error("MalformedXML")          # S3's Priority is a 32-bit integer
        _check_selection(rule)
        if (rule.get("ExistingObjectReplication") or {}).get("Status") == "Enabled":
            raise errors.error("MalformedXML")          # S3 takes it only where AWS Support turned it on
        if "Filter" in rule:
            continue
        for member in ("Priority", "DeleteMarkerReplication"):
            if rule.get(member) is not None:
                raise errors.error("InvalidRequest", f"{member} cannot be specified {SCHEMA_HINT}")


def _check_selection(rule: dict):
    """SourceSelectionCriteria names a criterion; KMS-encrypted objects are replicated
    only with a key for the replicas (Destination.EncryptionConfiguration.ReplicaKmsKeyID),
    and such a key only for them; metrics' event threshold and Replication Time Control
    go together (a threshold without RTC is InvalidArgument, RTC without metrics
    InvalidRequest)."""
    destination = rule.get("Destination") or {}
    criteria = rule.get("SourceSelectionCriteria")
    encrypted = criteria is not None and criteria.get("SseKmsEncryptedObjects") is not None
    if criteria is not None and not criteria:
        raise errors.error("InvalidRequest", "SourceSelectionCriteria cannot be empty")
    key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
    if encrypted and not key:
        raise errors.error("InvalidRequest", "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present.")
    if key and not encrypted:
        raise errors.error("InvalidRequest", "SseKmsEncryptedObjects must be specified if ReplicaKmsKeyID is present.")
    metrics, timed = destination.get("Metrics"), destination.get("ReplicationTime")
    if metrics and metrics.get("EventThreshold") is not None and not timed:
        raise errors.error("InvalidArgument", "Metrics EventThreshold requires ReplicationTime.",
                           ArgumentName="EventThreshold")
    if timed and (metrics is None or timed.get("Status") == "Enabled" and metrics.get("Status") != "Enabled"):
        raise errors.error("InvalidRequest", "Metrics must be enabled with Replication Time Control.")
    if timed and (timed.get("Time") or {}).get("Minutes") != 15:
        raise errors.error("InvalidArgument", "Replication Time Control is 15 minutes.", ArgumentName="Minutes")
    if key and not key.startswith("arn:") and not _KEY_ID.fullmatch(key):
        raise errors.error("InvalidArgument", "Invalid ReplicaKmsKeyID.", ArgumentName="ReplicaKmsKeyID",
                           ArgumentValue=key)


def check_destinations(rules: list, source: str):
    """Every rule of one schema (InvalidRequest for a mix), each naming its destination by
    the bucket's ARN (a bare name or an object's ARN is InvalidArgument), never the source
    bucket itself (InvalidRequest)."""
    if len({"Filter" in rule for rule in rules}) > 1:
        raise errors.error("InvalidRequest", "Rules of both Cross Region Replication configuration schema versions "
                           "cannot be used in one configuration.")
    for rule in rules:
        arn = (rule.get("Destination") or {}).get("Bucket") or ""
        name = arn.removeprefix("arn:aws:s3:::")
        if name == arn or not name or "/" in name:
            raise errors.error("InvalidArgument", "Invalid bucket ARN.", ArgumentName="Destination.Bucket",
                               ArgumentValue=arn)
        if name == source:
            raise errors.error("InvalidRequest", "Destination bucket cannot be the same as the source bucket.")
        destination = rule.get("Destination") or {}
        if destination.get("AccessControlTranslation") is not None and not destination.get("Account"):
            # an owner override names the account that is to own the replicas
            raise errors.error("InvalidRequest", "Destination Account must be specified with AccessControlTranslation.")

