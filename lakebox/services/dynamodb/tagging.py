"""Tags of tables: TagResource, UntagResource, ListTagsOfResource."""
import re

from lakebox.kit import tags as tag_rules
from lakebox.services.dynamodb import access, lookup, store
from lakebox.services.dynamodb.errors import ResourceNotFoundException, ValidationException, invalid

_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})$")
_STREAM = re.compile(r"arn:aws[a-z-]*:dynamodb:[^:]+:\d{12}:table/[a-zA-Z0-9_.-]{3,255}/stream/.+$")


def _missing(arn) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Requested resource not found: ResourceArn: {arn} not found")


def checked_pairs(tags: list) -> dict:
    """New tags (a request's Tag list) as a dict, once DynamoDB's rules pass (the kit's
    table, lakebox/kit/tags.py): a key given twice is refused, not merged."""
    pairs = [(t["Key"], t["Value"]) for t in tags]
    tag_rules.check_tags("dynamodb", pairs)
    found = dict(pairs)
    tag_rules.check_count("dynamodb", found)
    return found


def put(ctx, table, tags: dict):
    if tags:
        store.put_tags(ctx.state.db, table.account, table.region, lookup.arn_of(table), tags)


def _table_of(ctx, arn):
    """The table a tag request's ResourceArn names, refused as DynamoDB refuses it
    (replies recorded against DynamoDB by the ack-api-quirks lab, DDB-TABLE-070/071 and
    DDB-BACKUP-013): not an ARN, not a DynamoDB table's (a backup's), a stream's or a
    missing table's."""
    if not arn.startswith("arn:"):
        raise invalid(f"ARNs must start with 'arn:': {arn}")
    if arn.split(":")[2:3] != ["dynamodb"] or "/backup/" in arn:
        raise invalid(f"Provided Arn is not a DynamoDB resource arn: {arn}")
    if _STREAM.match(arn):
        raise _missing(arn)
    match = _ARN.match(arn)
    if match is None:
        raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    region, account, name = match.groups()
    if store.table(ctx.state.db, account, region, name) is None:
        raise _missing(arn)
    access.check(ctx, account, arn, access.policy_of(ctx.state.db, account, region, arn))
    return account, region, arn


def tag_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    if not params["Tags"]:
        raise ValidationException("Atleast one Tag needs to be provided as Input.")
    tags = checked_pairs(params["Tags"])
    existing = store.tags(ctx.state.db, account, region, arn)
    tag_rules.check_count("dynamodb", {**existing, **tags})
    store.put_tags(ctx.state.db, account, region, arn, tags)
    return {}


def untag_resource(ctx, params):
    """Removing a key the table lacks is no fault; `aws:` keys and more than 50 keys are
    refused as in TagResource (recorded replies)."""
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    keys = params["TagKeys"]
    if not keys:
        raise ValidationException("Atleast one Tag Key needs to be provided as Input.")
    tag_rules.check_count("dynamodb", set(keys))
    tag_rules.check_tags("dynamodb", [(key, "") for key in keys if key.lower().startswith("aws:")])
    store.remove_tags(ctx.state.db, account, region, arn, keys)
    return {}


def length_refusal(operation, params) -> ValidationException | None:
    """DynamoDB's own words for a tag key or value of a length the model refuses
    (TagResource, UntagResource, CreateTable): it answers them as it answers other faulty
    tags (recorded replies, DDB-TABLE-107/110)."""
    if operation in ("TagResource", "CreateTable"):
        pairs = [(t.get("Key"), t.get("Value")) for t in params.get("Tags") or [] if isinstance(t, dict)]
    elif operation == "UntagResource":
        pairs = [(key, "") for key in params.get("TagKeys") or []]
    else:
        return None
    for key, value in pairs:
        if isinstance(key, str) and not 1 <= len(key) <= 128:
            return ValidationException(f"The Tag Key provided is invalid, Key: {key}")
        if isinstance(value, str) and len(value) > 256:
            return ValidationException(f"The Tag Value provided is invalid, Value: {value}")
    return None


def list_tags_of_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    tags = store.tags(ctx.state.db, account, region, arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
