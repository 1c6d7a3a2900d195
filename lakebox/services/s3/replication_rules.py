"""What S3 refuses in a replication configuration's rules, beyond the model, as recorded
from S3 (stackd's replication_control_replay.json): a rule names a Filter (the second
schema) or a Prefix (the first, legacy one), else MalformedXML; a legacy rule names no
Priority and no DeleteMarkerReplication, which belong to the second schema
(InvalidRequest). S3's words for the InvalidRequest refusals are not recorded there;
they follow its recorded refusal of a Filter rule without DeleteMarkerReplication."""
import secrets

from lakebox.services.s3 import errors

SCHEMA_HINT = "for this version of Cross Region Replication configuration schema. Please refer to S3 Developer " \
              "Guide for more information."


def check_schemas(rules: list):
    """Also names a rule given no ID, or an empty one (as lifecycle rules are named), and
    refuses an ID over 255 characters (InvalidArgument, lifecycle's recorded words)."""
    for rule in rules:
        if not rule.get("ID"):
            rule["ID"] = secrets.token_hex(16)
        if len(rule["ID"]) > 255:
            raise errors.error("InvalidArgument", "ID length should not exceed allowed limit of 255",
                               ArgumentName="ID", ArgumentValue=rule["ID"])
        if "Filter" not in rule and rule.get("Prefix") is None:
            raise errors.error("MalformedXML")
        if "Filter" in rule:
            continue
        for member in ("Priority", "DeleteMarkerReplication"):
            if rule.get(member) is not None:
                raise errors.error("InvalidRequest", f"{member} cannot be specified {SCHEMA_HINT}")
