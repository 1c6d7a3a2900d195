"""Tags of tables: TagResource, UntagResource, ListTagsOfResource."""
import re

from lakebox.services.dynamodb import lookup, store
from lakebox.services.dynamodb.errors import LimitExceededException, ResourceNotFoundException, ValidationException

MAX_TAGS = 50
_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})$")
_TAG_TEXT = re.compile(r"^[\w\s.:/=+\-@]*$")


def check_new_tags(tags: dict):
    for key, value in tags.items():
        if key.startswith("aws:"):
            raise ValidationException("One or more parameter values were invalid: Tag key cannot start with "
                                      "'aws:'")
        if not _TAG_TEXT.match(key) or not _TAG_TEXT.match(value):
            raise ValidationException("One or more parameter values were invalid: Tag keys and values may only "
                                      "contain Unicode letters, digits, white space, and _ . : / = + - @")
    if len(tags) > MAX_TAGS:
        raise LimitExceededException(f"One or more parameter values were invalid: The number of tags exceeds "
                                     f"the limit of {MAX_TAGS}")


def put(ctx, table, tags: dict):
    if tags:
        store.put_tags(ctx.state.db, table.account, table.region, lookup.arn_of(table), tags)


def _table_of(ctx, arn):
    match = _ARN.match(arn)
    if match is None:
        raise ValidationException(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    region, account, name = match.groups()
    if store.table(ctx.state.db, account, region, name) is None:
        raise ResourceNotFoundException(f"Requested resource not found: ResourcArn: {arn} not found")
    return account, region, arn


def tag_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    tags = {t["Key"]: t["Value"] for t in params["Tags"]}
    existing = store.tags(ctx.state.db, account, region, arn)
    check_new_tags({**existing, **tags})
    store.put_tags(ctx.state.db, account, region, arn, tags)
    return {}


def untag_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    store.remove_tags(ctx.state.db, account, region, arn, params["TagKeys"])
    return {}


def list_tags_of_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    tags = store.tags(ctx.state.db, account, region, arn)
    return {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
