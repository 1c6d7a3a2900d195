"""A security engineer's quarterly key-custody review, in an account of its own: two
keys, grants for a batch role that an offboarding role may retire, tags and on-demand
rotations. The review script pages every listing with boto3's paginators the way it
runs against AWS (ListRetirableGrants across both keys, ListGrants, ListResourceTags,
ListKeyRotations, ListAliases narrowed to one key: PageSize 1 or 2, MaxItems then
StartingToken, search() across pages), retires each page's grants before asking for
the next (none skipped), and the runbook's cli steps print the same listings as text and
as a table, resuming with --starting-token."""
import json

import pytest

from aws_cli import run_cli
from paging import account_client, fresh_account
from kms_waits import wait_rotated

pytestmark = pytest.mark.local_only     # an account of its own, named by its access key

BATCH = "arn:aws:iam::111122223333:role/batch"


def test_custody_review_pages_every_listing(lakebox_server):
    account = fresh_account()
    kms = account_client(lakebox_server, "kms", account)
    offboarding = f"arn:aws:iam::{account}:role/offboarding"
    keys = [kms.create_key(Description=f"lake key {n}")["KeyMetadata"]["KeyId"] for n in (1, 2)]
    grants = {}
    for n in range(5):
        key = keys[n % 2]
        made = kms.create_grant(KeyId=key, GranteePrincipal=BATCH, RetiringPrincipal=offboarding,
                                Operations=["Decrypt", "GenerateDataKey"], Name=f"batch-{n}")
        grants[f"batch-{n}"] = (key, made["GrantId"])
    kms.create_grant(KeyId=keys[0], GranteePrincipal=BATCH, Operations=["Encrypt"], Name="kept")

    retirable = kms.get_paginator("list_retirable_grants")
    head = retirable.paginate(RetiringPrincipal=offboarding,
                              PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert len(head["Grants"]) == 3 and "NextToken" in head
    rest = retirable.paginate(RetiringPrincipal=offboarding,
                              PaginationConfig={"PageSize": 2, "StartingToken": head["NextToken"]}).build_full_result()
    found = head["Grants"] + rest["Grants"]
    assert sorted(g["Name"] for g in found) == sorted(grants)
    assert {g["Name"]: (g["KeyId"].rsplit("/", 1)[1], g["GrantId"]) for g in found} == grants
    assert {(g["GranteePrincipal"], g["RetiringPrincipal"], tuple(g["Operations"])) for g in found} == {
        (BATCH, offboarding, ("Decrypt", "GenerateDataKey"))}

    on_first = kms.get_paginator("list_grants").paginate(KeyId=keys[0], PaginationConfig={"PageSize": 1})
    assert sorted(on_first.search("Grants[?RetiringPrincipal].Name")) == ["batch-0", "batch-2", "batch-4"]
    assert sorted(kms.get_paginator("list_grants").paginate(
        KeyId=keys[0], PaginationConfig={"PageSize": 1}).search("Grants[].Name")) == [
        "batch-0", "batch-2", "batch-4", "kept"]

    kms.tag_resource(KeyId=keys[0], Tags=[{"TagKey": k, "TagValue": v} for k, v in
                                          (("team", "lake"), ("env", "prod"), ("cost", "42"), ("owner", "sec"))])
    tags = kms.get_paginator("list_resource_tags").paginate(KeyId=keys[0], PaginationConfig={"PageSize": 3})
    pages = list(tags)
    assert [len(page["Tags"]) for page in pages] == [3, 1]
    assert pages[0]["Truncated"] is True and pages[1]["Truncated"] is False
    assert sorted((t["TagKey"], t["TagValue"]) for page in pages for t in page["Tags"]) == [
        ("cost", "42"), ("env", "prod"), ("owner", "sec"), ("team", "lake")]

    kms.enable_key_rotation(KeyId=keys[1])
    for _ in range(3):
        kms.rotate_key_on_demand(KeyId=keys[1])
        wait_rotated(kms, keys[1])
    rotations = kms.get_paginator("list_key_rotations").paginate(
        KeyId=keys[1], PaginationConfig={"PageSize": 1, "MaxItems": 2}).build_full_result()
    assert len(rotations["Rotations"]) == 2
    later = kms.get_paginator("list_key_rotations").paginate(
        KeyId=keys[1], PaginationConfig={"PageSize": 1, "StartingToken": rotations["NextToken"]}).build_full_result()
    every = rotations["Rotations"] + later["Rotations"]
    assert [r["RotationType"] for r in every] == ["ON_DEMAND"] * 3
    assert len({r["KeyMaterialId"] for r in every}) == 3
    current = kms.describe_key(KeyId=keys[1])["KeyMetadata"]["CurrentKeyMaterialId"]
    assert list(kms.get_paginator("list_key_rotations").paginate(
        KeyId=keys[1], PaginationConfig={"PageSize": 1}).search(
        "Rotations[?KeyMaterialState=='CURRENT'].KeyMaterialId")) == [current]

    for n in ("a", "b", "c"):
        kms.create_alias(AliasName=f"alias/lake-{n}", TargetKeyId=keys[1])
    aliases = kms.get_paginator("list_aliases").paginate(KeyId=keys[1], PaginationConfig={"PageSize": 2})
    assert [[a["AliasName"] for a in page["Aliases"]] for page in aliases] == [
        ["alias/lake-a", "alias/lake-b"], ["alias/lake-c"]]

    retired = []        # the offboarding loop: retire each page's grants, then ask for the next page
    for page in retirable.paginate(RetiringPrincipal=offboarding, PaginationConfig={"PageSize": 2}):
        for grant in page["Grants"]:
            kms.retire_grant(KeyId=grant["KeyId"], GrantId=grant["GrantId"])
            retired.append(grant["Name"])
    assert sorted(retired) == sorted(grants)
    assert retirable.paginate(RetiringPrincipal=offboarding).build_full_result()["Grants"] == []
    assert [g["Name"] for g in kms.list_grants(KeyId=keys[0])["Grants"]] == ["kept"]


def test_runbook_cli_prints_the_listings(lakebox_server):
    account = fresh_account()
    kms = account_client(lakebox_server, "kms", account)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.tag_resource(KeyId=key, Tags=[{"TagKey": k, "TagValue": v} for k, v in
                                      (("b-team", "lake"), ("a-env", "prod"), ("c-cost", "42"))])
    for n in range(3):
        kms.create_grant(KeyId=key, GranteePrincipal=BATCH, Operations=["Decrypt"], Name=f"reader-{n}")

    def cli(*args, output="json"):
        done = run_cli(lakebox_server, "kms", *args, access_key=account, output=output)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert sorted(cli("list-resource-tags", "--key-id", key, "--page-size", "1", output="text").splitlines()) == [
        "TAGS\ta-env\tprod", "TAGS\tb-team\tlake", "TAGS\tc-cost\t42"]
    first = json.loads(cli("list-grants", "--key-id", key, "--max-items", "2", "--page-size", "1",
                           "--query", "{names: Grants[].Name, next: NextToken}"))
    assert len(first["names"]) == 2 and first["next"]
    rest = json.loads(cli("list-grants", "--key-id", key, "--starting-token", first["next"], "--page-size", "1"))
    assert sorted(first["names"] + [g["Name"] for g in rest["Grants"]]) == ["reader-0", "reader-1", "reader-2"]
    assert "NextToken" not in rest
    table = cli("list-grants", "--key-id", key, "--page-size", "2",
                "--query", "sort_by(Grants, &Name)[].[Name, Operations[0]]", output="table")
    assert table.splitlines() == ["-------------------------", "|      ListGrants       |",
                                  "+-----------+-----------+",
                                  "|  reader-0 |  Decrypt  |", "|  reader-1 |  Decrypt  |",
                                  "|  reader-2 |  Decrypt  |", "+-----------+-----------+"]
