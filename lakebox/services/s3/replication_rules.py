"""What S3 refuses in a replication configuration's rules, beyond the model, as recorded
from S3 (stackd's replication_control_replay.json): a rule names a Filter (the second
schema) or a Prefix (the first, legacy one), else MalformedXML; a legacy rule names no
Priority and no DeleteMarkerReplication, which belong to the second schema
(InvalidRequest). S3's words for the InvalidRequest refusals are not recorded there;
they follow its recorded refusal of a Filter rule without DeleteMarkerReplication."""
from lakebox.services.s3 import errors

SCHEMA_HINT = "for this version of Cross Region Replication configuration schema. Please refer to S3 Developer " \
              "Guide for more information."


def check_schemas(rules: list):
    for rule in rules:
        if "Filter" not in rule and rule.get("Prefix") is None:
            raise errors.error("MalformedXML")
        if "Filter" in rule:
            continue
        for member in ("Priority", "DeleteMarkerReplication"):
            if rule.get(member) is not None:
                raise errors.error("InvalidRequest", f"{member} cannot be specified {SCHEMA_HINT}")
