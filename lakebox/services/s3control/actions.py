"""S3 Control: an account's own S3 settings. Served: the account-level Block Public Access
configuration (Get/Put/DeletePublicAccessBlock), which every bucket of the account applies
together with its own settings (S3 keeps it: `services/s3/public.py`), and access points
(`access_points.py`).

Requests name their account in `x-amz-account-id` (and, from SDKs, in front of the host:
`123456789012.localhost`); a caller may read and change only its own account's settings.
"""
from lakebox.services.s3 import public as s3
from lakebox.services.s3control.access_points import (  # noqa: F401
    create_access_point, delete_access_point, delete_access_point_policy, get_access_point, get_access_point_policy,
    get_access_point_policy_status, list_access_points, put_access_point_policy)
from lakebox.services.s3control.errors import AccessDenied, NoSuchPublicAccessBlockConfiguration
from lakebox.services.s3control.tags import list_tags_for_resource, tag_resource, untag_resource  # noqa: F401

_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def get_public_access_block(ctx, params):
    config = s3.account_public_access_block(ctx.state, _own_account(ctx, params))
    if config is None:
        raise NoSuchPublicAccessBlockConfiguration(AccountId=params["AccountId"])
    return {"PublicAccessBlockConfiguration": config}


def put_public_access_block(ctx, params):
    config = params["PublicAccessBlockConfiguration"]
    s3.put_account_public_access_block(ctx.state, _own_account(ctx, params),
                                       {flag: bool(config.get(flag)) for flag in _FLAGS})
    return {}


def delete_public_access_block(ctx, params):
    s3.delete_account_public_access_block(ctx.state, _own_account(ctx, params))
    return {}


def _own_account(ctx, params) -> str:
    """The account the request names, which must be the caller's."""
    if ctx.anonymous or params["AccountId"] != ctx.account:
        raise AccessDenied()
    return ctx.account
