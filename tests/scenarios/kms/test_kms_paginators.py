"""Every KMS paginator whose operation lakebox serves (ListKeys, ListAliases, ListGrants,
ListRetirableGrants, ListKeyPolicies, ListKeyRotations, ListResourceTags), driven with
PageSize, MaxItems and StartingToken over more items than a page holds. Aliases come in
name order (ListAliases resumes after the Marker's alias); the other listings' order is
not documented, so they are checked as sets. A Marker KMS never gave is
InvalidMarkerException."""
import pytest

from kms_waits import wait_rotated
from paging import account_client, check_paginator, error_of, fresh_account

BAD_MARKER = ("InvalidMarkerException", "Invalid marker")
GRANTEE = "arn:aws:iam::111122223333:role/reader"


@pytest.fixture
def own(lakebox_server):
    return account_client(lakebox_server, "kms", fresh_account())


def _arns(own, count):
    return [own.create_key()["KeyMetadata"]["Arn"] for _ in range(count)]


@pytest.mark.local_only
def test_keys_and_aliases_page(own):
    arns = _arns(own, 5)
    check_paginator(own, "ListKeys", arns, key_of=lambda k: k["KeyArn"], ordered=False)
    names = [f"alias/paging-{n}" for n in range(5)]
    for name, arn in zip(names[::-1], arns):
        own.create_alias(AliasName=name, TargetKeyId=arn)
    listed = [a["AliasName"] for a in own.list_aliases()["Aliases"]]
    check_paginator(own, "ListAliases", listed, key_of=lambda a: a["AliasName"])
    assert [name for name in listed if name.startswith("alias/paging-")] == names
    assert error_of(own.list_keys, Marker="bogus") == BAD_MARKER
    assert error_of(own.list_aliases, Marker="bogus") == BAD_MARKER


def test_grants_page(kms, make_key):
    key = make_key()["KeyId"]
    retiring = "arn:aws:iam::111122223333:role/retirer-paging"
    made = [kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, RetiringPrincipal=retiring,
                             Operations=["Decrypt"], Name=f"g{n}")["GrantId"] for n in range(5)]
    check_paginator(kms, "ListGrants", made, key_of=lambda g: g["GrantId"], ordered=False, KeyId=key)
    check_paginator(kms, "ListRetirableGrants", made, key_of=lambda g: g["GrantId"], ordered=False,
                    RetiringPrincipal=retiring)
    assert error_of(kms.list_grants, KeyId=key, Marker="bogus") == BAD_MARKER
    for grant in made:
        kms.revoke_grant(KeyId=key, GrantId=grant)


def test_grants_revoked_while_paging_skip_none(kms, make_key):
    """The clean-up loop users write (revoke each page's grants, then ask for the next
    page): a Marker names where the listing stopped, not a count of grants, so the
    grants revoked before it move nothing that follows."""
    key = make_key()["KeyId"]
    retiring = "arn:aws:iam::111122223333:role/retirer-cleanup"
    made = [kms.create_grant(KeyId=key, GranteePrincipal=GRANTEE, RetiringPrincipal=retiring,
                             Operations=["Decrypt"], Name=f"g{n}")["GrantId"] for n in range(7)]
    seen = []
    for page in kms.get_paginator("list_grants").paginate(KeyId=key, PaginationConfig={"PageSize": 2}):
        for grant in page["Grants"]:
            seen.append(grant["GrantId"])
            kms.revoke_grant(KeyId=key, GrantId=grant["GrantId"])
    assert sorted(seen) == sorted(made)
    assert kms.list_grants(KeyId=key)["Grants"] == []


def test_tags_removed_while_paging_skip_none(kms, make_key):
    key = make_key()["KeyId"]
    keys = [f"cleanup-{n}" for n in range(7)]
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": k, "TagValue": "x"} for k in keys])
    seen = []
    for page in kms.get_paginator("list_resource_tags").paginate(KeyId=key, PaginationConfig={"PageSize": 3}):
        seen += [tag["TagKey"] for tag in page["Tags"]]
        kms.untag_resource(KeyId=key, TagKeys=[tag["TagKey"] for tag in page["Tags"]])
    assert sorted(seen) == keys
    assert kms.list_resource_tags(KeyId=key)["Tags"] == []


def test_policies_rotations_and_tags_page(kms, make_key, clock):
    key = make_key()["KeyId"]
    check_paginator(kms, "ListKeyPolicies", ["default"], KeyId=key)
    for _ in range(5):
        kms.rotate_key_on_demand(KeyId=key)
        wait_rotated(kms, key, nudge=lambda: clock(1))
    rotations = kms.list_key_rotations(KeyId=key)["Rotations"]
    assert len(rotations) == 5
    check_paginator(kms, "ListKeyRotations", [r["KeyMaterialId"] for r in rotations],
                    key_of=lambda r: r["KeyMaterialId"], ordered=False, KeyId=key)
    tags = [{"TagKey": f"k{n}", "TagValue": f"v{n}"} for n in range(7)]
    kms.tag_resource(KeyId=key, Tags=tags)
    check_paginator(kms, "ListResourceTags", [t["TagKey"] for t in tags], key_of=lambda t: t["TagKey"],
                    ordered=False, KeyId=key)
    assert error_of(kms.list_resource_tags, KeyId=key, Marker="bogus") == BAD_MARKER
