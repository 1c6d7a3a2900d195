"""Tags on work groups and data catalogs (TagResource, UntagResource,
ListTagsForResource, and CreateWorkGroup's Tags), under Athena's rules in
`lakebox.kit.tags`."""
from lakebox.kit import arns
from lakebox.kit.tags import check_count, check_tags
from lakebox.services.athena import errors, model, results, store


def workgroup_arn(ctx, name: str) -> str:
    return arns.build("athena", ctx.region, ctx.account, f"workgroup/{name}")


def data_catalog_arn(ctx, name: str) -> str:
    return arns.build("athena", ctx.region, ctx.account, f"datacatalog/{name}")


def _resource_or_error(ctx, arn: str):
    """A tagged resource must exist: a work group, the AwsDataCatalog or a registered catalog."""
    found = arns.parse(arn)
    if found is None or found.service != "athena" or found.account != ctx.account or found.region != ctx.region:
        raise errors.InvalidRequestException(f"Invalid ResourceARN: {arn}")
    kind, _, name = found.resource.partition("/")
    if kind == "workgroup" and store.get_workgroup(ctx.state.db, ctx.account, ctx.region, name) is not None:
        return
    if kind == "datacatalog" and (name.lower() == model.DATA_CATALOG.lower()
                                  or store.get_data_catalog(ctx.state.db, ctx.account, ctx.region, name)):
        return
    raise errors.ResourceNotFoundException(f"Resource {arn} was not found", ResourceName=arn)


def add_tags(ctx, arn: str, tag_list: list[dict]):
    # The model leaves a tag's Key optional; a tag without one means nothing.
    if any(tag.get("Key") is None for tag in tag_list):
        raise errors.InvalidRequestException("Tag key must not be null")
    pairs = [(tag["Key"], tag.get("Value", "")) for tag in tag_list]
    check_tags("athena", pairs)
    current = store.tags(ctx.state.db, ctx.account, ctx.region, arn)
    check_count("athena", set(current) | {key for key, _ in pairs})
    store.put_tags(ctx.state.db, ctx.account, ctx.region, arn, dict(pairs))


def tag_resource(ctx, params):
    _resource_or_error(ctx, params["ResourceARN"])
    add_tags(ctx, params["ResourceARN"], params["Tags"])
    return {}


def untag_resource(ctx, params):
    _resource_or_error(ctx, params["ResourceARN"])
    store.delete_tags(ctx.state.db, ctx.account, ctx.region, params["ResourceARN"], params["TagKeys"])
    return {}


def list_tags_for_resource(ctx, params):
    _resource_or_error(ctx, params["ResourceARN"])
    tags = [{"Key": key, "Value": value}
            for key, value in store.tags(ctx.state.db, ctx.account, ctx.region, params["ResourceARN"]).items()]
    return results.page(tags, params, "Tags", default=100)
