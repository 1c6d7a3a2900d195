"""Tags on Glue resources (databases, tables, crawlers, ...), addressed by ARN."""
from lakebox.kit import arns, tags as kit_tags
from lakebox.services.glue import store
from lakebox.services.glue.catalog import arn as catalog_arn, fold
from lakebox.services.glue.errors import EntityNotFoundException, InvalidInputException


def check_tags(tags: dict, existing=()):
    """Glue's tag rules (the kit's table): at most 50 per resource, no `aws:` keys."""
    kit_tags.check_tags("glue", tags)
    kit_tags.check_count("glue", set(existing) | set(tags))


def _resource_exists(ctx, arn: str) -> bool:
    """Whether the ARN names a resource of this account and region that exists; kinds
    lakebox does not keep are taken on trust."""
    parsed = arns.parse(arn)
    if parsed is None or (parsed.service, parsed.region, parsed.account) != ("glue", ctx.region, ctx.account):
        return False
    kind, _, path = parsed.resource.partition("/")
    names = [fold(n) for n in path.split("/")] if path else []
    db = ctx.state.db
    if kind == "database" and len(names) == 1:
        return store.get_database(db, ctx.account, ctx.region, names[0]) is not None
    if kind == "table" and len(names) == 2:
        return store.get_table(db, ctx.account, ctx.region, *names) is not None
    if kind == "crawler" and path:
        return store.get_named(db, "crawlers", ctx.account, ctx.region, path) is not None
    if kind in ("connection", "job", "trigger", "workflow") and path:
        return store.get_object(db, ctx.account, ctx.region, kind, "", path) is not None
    if kind == "dataQualityRuleset" and path:
        return store.get_object(db, ctx.account, ctx.region, "dq_ruleset", "", path) is not None
    if kind == "registry" and path:
        return store.get_object(db, ctx.account, ctx.region, "registry", "", path) is not None
    if kind == "schema" and len(path.split("/")) == 2:
        return store.get_object(db, ctx.account, ctx.region, "schema", *path.split("/")) is not None
    if kind == "userDefinedFunction" and len(names) == 2:
        return store.get_object(db, ctx.account, ctx.region, "function", *names) is not None
    return kind == "catalog"


def tagged(ctx, kind: str, names: list, wanted: dict | None) -> list:
    """The names of resources of a kind (crawler, job, trigger) that carry every tag in
    `wanted`: all of them when it is empty (the Tags filter of the List* operations)."""
    if not wanted:
        return names
    return [name for name in names if has_tags(ctx, catalog_arn(ctx, kind, name), wanted)]


def _existing(ctx, arn: str) -> str:
    """The ARN of a resource that exists; Glue's words otherwise (recorded from Glue:
    radkawar/stackd testdata/aws/glue/controls_native.json, get-tags-malformed-arn and
    get-tags-missing-resource)."""
    if not _glue_arn(arn):
        raise InvalidInputException("")
    if not _resource_exists(ctx, arn):
        raise EntityNotFoundException("Entity not found")
    return arn


def _glue_arn(arn: str):
    parsed = arns.parse(arn)
    return parsed if parsed is not None and parsed.service == "glue" else None


def tag_resource(ctx, params):
    arn = _existing(ctx, params["ResourceArn"])
    new_tags = params["TagsToAdd"]
    check_tags(new_tags, store.tags(ctx.state.db, ctx.account, ctx.region, arn))
    store.put_tags(ctx.state.db, ctx.account, ctx.region, arn, new_tags)
    return {}


def untag_resource(ctx, params):
    arn = _existing(ctx, params["ResourceArn"])
    store.remove_tags(ctx.state.db, ctx.account, ctx.region, arn, params["TagsToRemove"])
    return {}


def get_tags(ctx, params):
    """A resource of another region is not looked for: its tags read as none (recorded
    from Glue: radkawar/stackd controls_native.json, get-tags-other-region)."""
    parsed = _glue_arn(params["ResourceArn"])
    if parsed is not None and parsed.region != ctx.region:
        return {"Tags": {}}
    arn = _existing(ctx, params["ResourceArn"])
    return {"Tags": store.tags(ctx.state.db, ctx.account, ctx.region, arn)}


def has_tags(ctx, arn: str, wanted: dict) -> bool:
    """Whether the resource carries every wanted tag (the `Tags` filter of the List calls)."""
    have = store.tags(ctx.state.db, ctx.account, ctx.region, arn)
    return all(have.get(key) == value for key, value in wanted.items())


def tag_new(ctx, arn: str, tags: dict | None):
    """Tags given when a resource is created (call inside its transaction)."""
    if tags:
        store.put_tags(ctx.state.db, ctx.account, ctx.region, arn, tags)

