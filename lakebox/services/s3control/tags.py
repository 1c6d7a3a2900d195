"""S3 Control's tags of a general purpose bucket (TagResource, UntagResource,
ListTagsForResource), the same tag set S3's Get/PutBucketTagging show, as recorded from
S3 (stackd's abac_controls_replay.json): TagResource merges (a key given again takes its
new value), UntagResource removes the keys it names (a key the bucket has not is no
error), and a bucket without tags lists none."""
from lakebox.services.s3 import public as s3
from lakebox.services.s3control.errors import AccessDenied

BUCKET_ARN = "arn:aws:s3:::"


def tag_resource(ctx, params):
    name, tags = _bucket(ctx, params)
    given = {tag["Key"]: tag["Value"] for tag in params.get("Tags") or []}
    merged = [{"Key": t["Key"], "Value": given.pop(t["Key"], t["Value"])} for t in tags]
    s3.set_bucket_tags(ctx.state, name, merged + [{"Key": k, "Value": v} for k, v in given.items()])
    return {}


def untag_resource(ctx, params):
    name, tags = _bucket(ctx, params)
    gone = set(params.get("TagKeys") or [])
    s3.set_bucket_tags(ctx.state, name, [t for t in tags if t["Key"] not in gone])
    return {}


def list_tags_for_resource(ctx, params):
    return {"Tags": _bucket(ctx, params)[1]}


def _bucket(ctx, params) -> tuple[str, list]:
    """(bucket name, its tags) of the request's own account's bucket ARN."""
    if ctx.anonymous or params["AccountId"] != ctx.account:
        raise AccessDenied()
    arn = params["ResourceArn"]
    name = arn[len(BUCKET_ARN):] if arn.startswith(BUCKET_ARN) else ""
    tags = s3.bucket_tags(ctx.state, ctx.account, name) if name and "/" not in name else None
    if tags is None:
        raise AccessDenied()
    return name, tags
