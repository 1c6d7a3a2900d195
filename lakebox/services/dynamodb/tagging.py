"""Tags of tables: TagResource, UntagResource, ListTagsOfResource."""
import re

from lakebox.kit import tags as tag_rules
from lakebox.services.dynamodb import access, lookup, store
from lakebox.services.dynamodb.errors import ResourceNotFoundException, ValidationException

_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([^:]+):(\d{12}):table/([a-zA-Z0-9_.-]{3,255})$")


def check_new_tags(tags: dict):
    """DynamoDB's tag rules, from the kit's table (lakebox/kit/tags.py)."""
    tag_rules.check_tags("dynamodb", tags)
    tag_rules.check_count("dynamodb", tags)


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
    access.check(ctx, account, arn, access.policy_of(ctx.state.db, account, region, arn))
    return account, region, arn


def tag_resource(ctx, params):
    account, region, arn = _table_of(ctx, params["ResourceArn"])
    if not params["Tags"]:
        raise ValidationException()        # DynamoDB refuses it (ScyllaDB's test_tag.py); its words are not recorded
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
