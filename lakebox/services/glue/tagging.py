"""Tags on Glue resources (databases, tables, crawlers, ...), addressed by ARN."""
from lakebox.services.glue import store
from lakebox.services.glue.catalog import fold
from lakebox.services.glue.errors import EntityNotFoundException, InvalidInputException

MAX_TAGS = 50
RESERVED_PREFIX = "aws:"


def check_tags(tags: dict):
    if len(tags) > MAX_TAGS:
        raise InvalidInputException(f"Tags cannot have more than {MAX_TAGS} entries")
    for key in tags:
        if key.lower().startswith(RESERVED_PREFIX):
            raise InvalidInputException("Tag keys cannot start with 'aws:'")


def _resource_exists(ctx, arn: str) -> bool:
    """Whether the ARN names a resource of this account and region that exists; kinds
    lakebox does not keep are taken on trust."""
    prefix = f"arn:aws:glue:{ctx.region}:{ctx.account}:"
    if not arn.startswith(prefix):
        return False
    kind, _, path = arn[len(prefix):].partition("/")
    names = [fold(n) for n in path.split("/")] if path else []
    db = ctx.state.db
    if kind == "database" and len(names) == 1:
        return store.get_database(db, ctx.account, ctx.region, names[0]) is not None
    if kind == "table" and len(names) == 2:
        return store.get_table(db, ctx.account, ctx.region, *names) is not None
    if kind == "crawler" and path:
        return store.get_named(db, "crawlers", ctx.account, ctx.region, path) is not None
    return kind in ("catalog", "connection", "userDefinedFunction", "job", "trigger", "workflow")


def _existing(ctx, arn: str) -> str:
    if not _resource_exists(ctx, arn):
        raise EntityNotFoundException(f"Resource {arn} not found.")
    return arn


def tag_resource(ctx, params):
    arn = _existing(ctx, params["ResourceArn"])
    new_tags = params["TagsToAdd"]
    check_tags({**store.tags(ctx.state.db, ctx.account, ctx.region, arn), **new_tags})
    store.put_tags(ctx.state.db, ctx.account, ctx.region, arn, new_tags)
    return {}


def untag_resource(ctx, params):
    arn = _existing(ctx, params["ResourceArn"])
    store.remove_tags(ctx.state.db, ctx.account, ctx.region, arn, params["TagsToRemove"])
    return {}


def get_tags(ctx, params):
    arn = _existing(ctx, params["ResourceArn"])
    return {"Tags": store.tags(ctx.state.db, ctx.account, ctx.region, arn)}


def tag_new(ctx, arn: str, tags: dict | None):
    """Tags given when a resource is created (call inside its transaction)."""
    if tags:
        store.put_tags(ctx.state.db, ctx.account, ctx.region, arn, tags)

