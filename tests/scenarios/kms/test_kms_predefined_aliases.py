"""ListAliases shows AWS's predefined aliases in every account and region: before their
AWS managed key exists they have a name and an ARN but no TargetKeyId (ListAliases API
reference); once a service first uses the key, the alias names it."""
import random
import uuid

import pytest
from botocore.config import Config

pytestmark = pytest.mark.local_only       # a fresh account: a 12-digit access key is that account

NO_RETRIES = Config(retries={"total_max_attempts": 1})
REGION = "eu-west-2"
PREDEFINED = ["alias/aws/acm", "alias/aws/dynamodb", "alias/aws/ebs", "alias/aws/elasticfilesystem", "alias/aws/es",
              "alias/aws/glue", "alias/aws/kinesisvideo", "alias/aws/lambda", "alias/aws/rds", "alias/aws/redshift",
              "alias/aws/s3", "alias/aws/secretsmanager", "alias/aws/ssm", "alias/aws/xray"]


@pytest.fixture
def account(lakebox_server):
    """(account id, {service: client}) of an account no other test has used."""
    account_id = str(random.randrange(10**11, 10**12))
    clients = {service: lakebox_server.client(service, region=REGION, aws_access_key_id=account_id,
                                              config=NO_RETRIES) for service in ("kms", "s3")}
    return account_id, clients


def every_alias(kms, **args) -> list:
    return [a for page in kms.get_paginator("list_aliases").paginate(**args) for a in page["Aliases"]]


def test_a_fresh_account_lists_the_predefined_aliases_without_keys(account):
    account_id, clients = account
    listed = clients["kms"].list_aliases()
    assert listed["Truncated"] is False
    assert listed["Aliases"] == [{"AliasName": name, "AliasArn": f"arn:aws:kms:{REGION}:{account_id}:{name}"}
                                 for name in PREDEFINED]


def test_the_first_use_of_a_managed_key_gives_its_alias_a_target(account):
    _, clients = account
    kms, s3 = clients["kms"], clients["s3"]
    bucket = f"predefined-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket=bucket, Key="k", Body=b"sealed", ServerSideEncryption="aws:kms")
    managed = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"

    by_name = {a["AliasName"]: a for a in kms.list_aliases()["Aliases"]}
    assert sorted(by_name) == PREDEFINED
    assert by_name["alias/aws/s3"]["TargetKeyId"] == managed["KeyId"]
    assert {"CreationDate", "LastUpdatedDate"} <= set(by_name["alias/aws/s3"])
    assert [name for name, alias in by_name.items() if "TargetKeyId" not in alias] == \
        [name for name in PREDEFINED if name != "alias/aws/s3"]
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=managed["KeyId"])["Aliases"]] == ["alias/aws/s3"]
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)


def test_own_aliases_and_predefined_ones_page_together_in_name_order(account):
    _, clients = account
    kms = clients["kms"]
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    mine = ["alias/app", "alias/aws-like", "alias/zeta"]
    for name in mine:
        kms.create_alias(AliasName=name, TargetKeyId=key)
    expected = sorted(mine + PREDEFINED)

    paged = every_alias(kms, PaginationConfig={"PageSize": 4})
    assert [a["AliasName"] for a in paged] == expected
    assert [a["AliasName"] for a in paged if "TargetKeyId" in a] == mine
    first = kms.list_aliases(Limit=4)
    assert (first["Truncated"], first["NextMarker"]) == (True, expected[3])
    rest = kms.list_aliases(Marker=first["NextMarker"], Limit=100)
    assert [a["AliasName"] for a in rest["Aliases"]] == expected[4:] and rest["Truncated"] is False
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=key)["Aliases"]] == mine
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
