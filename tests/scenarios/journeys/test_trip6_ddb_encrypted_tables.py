"""DynamoDB tables encrypted at rest under KMS keys, as a compliance script checks them:
the payments table is created under the team's customer managed key, named by its
alias; the audit table asks for KMS encryption without naming a key and gets the AWS
managed key `aws/dynamodb` (made in the account on first use, so ListAliases then names
its key); the script compares each table's SSEDescription.KMSMasterKeyArn with the key
ARNs KMS reports. When the team rotates to a new key the table is switched with
UpdateTable; a backup restored from it is still encrypted under the same key, unless
the restore names another (SSESpecificationOverride); a table made by ImportTable from
CSV in S3 is encrypted as its TableCreationParameters ask. Creating a table under an
alias that does not exist, or naming a key without SSEType KMS, is refused."""
import contextlib
import uuid

import pytest

from trip_helpers import error_of, wait_for


@pytest.fixture
def team_keys(client):
    kms, made = client("kms"), []

    def make(purpose):
        key = kms.create_key(Description=purpose)["KeyMetadata"]
        alias = f"alias/{purpose}-{uuid.uuid4().hex[:6]}"
        kms.create_alias(AliasName=alias, TargetKeyId=key["KeyId"])
        made.append((key["KeyId"], alias))
        return key, alias
    yield make
    for key_id, alias in made:
        kms.delete_alias(AliasName=alias)
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.fixture
def tables(client):
    ddb, made = client("dynamodb"), []

    def make(name, **extra):
        made.append(name)
        return ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                **extra)["TableDescription"]
    make.restored = made                 # tables a restore or an import makes, for the same cleanup
    yield make
    for name in made:
        with contextlib.suppress(ddb.exceptions.ResourceNotFoundException):
            ddb.delete_table(TableName=name)


def test_tables_under_customer_and_managed_keys(client, team_keys, tables):
    ddb, kms = client("dynamodb"), client("kms")
    key, alias = team_keys("payments")
    tag = uuid.uuid4().hex[:6]
    created = tables(f"payments-{tag}", SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": alias})
    assert created["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key["Arn"]}
    ddb.get_waiter("table_exists").wait(TableName=f"payments-{tag}", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    ddb.put_item(TableName=f"payments-{tag}", Item={"id": {"S": "p-1"}, "cents": {"N": "1250"}})
    described = ddb.describe_table(TableName=f"payments-{tag}")["Table"]["SSEDescription"]
    assert described["KMSMasterKeyArn"] == kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"]

    audit = tables(f"audit-{tag}", SSESpecification={"Enabled": True, "SSEType": "KMS"})
    managed = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    assert audit["SSEDescription"]["KMSMasterKeyArn"] == managed["Arn"]
    again = tables(f"audit2-{tag}", SSESpecification={"Enabled": True})
    assert again["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": managed["Arn"]}
    aliases = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    assert aliases["alias/aws/dynamodb"] == managed["KeyId"]
    plain = tables(f"plain-{tag}")
    assert "SSEDescription" not in plain                       # encrypted with an AWS owned key

    successor, successor_alias = team_keys("payments-2025")
    ddb.update_table(TableName=f"payments-{tag}", SSESpecification={
        "Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": successor["KeyId"]})
    ddb.get_waiter("table_exists").wait(TableName=f"payments-{tag}", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    now = ddb.describe_table(TableName=f"payments-{tag}")["Table"]["SSEDescription"]
    assert now["KMSMasterKeyArn"] == successor["Arn"]

    backup = ddb.create_backup(TableName=f"payments-{tag}", BackupName="before-migration")["BackupDetails"]
    try:
        restored = f"payments-restored-{tag}"
        tables.restored.append(restored)
        ddb.restore_table_from_backup(TargetTableName=restored, BackupArn=backup["BackupArn"])
        ddb.get_waiter("table_exists").wait(TableName=restored, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        assert ddb.describe_table(TableName=restored)["Table"]["SSEDescription"]["KMSMasterKeyArn"] == \
            successor["Arn"]
        assert ddb.get_item(TableName=restored, Key={"id": {"S": "p-1"}})["Item"]["cents"] == {"N": "1250"}
        sandbox = f"payments-sandbox-{tag}"                    # a copy for tests, under the old key
        tables.restored.append(sandbox)
        copy = ddb.restore_table_from_backup(TargetTableName=sandbox, BackupArn=backup["BackupArn"],
                                             SSESpecificationOverride={"Enabled": True, "SSEType": "KMS",
                                                                       "KMSMasterKeyId": alias})["TableDescription"]
        assert copy["SSEDescription"]["KMSMasterKeyArn"] == key["Arn"]
    finally:
        ddb.delete_backup(BackupArn=backup["BackupArn"])


def test_encryption_set_up_wrong(client, team_keys, tables):
    missing = f"alias/nobody-{uuid.uuid4().hex[:6]}"
    code, message = error_of(tables, f"orphan-{uuid.uuid4().hex[:6]}",
                             SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": missing})
    assert code == "ValidationException"
    assert missing in message
    _, alias = team_keys("untyped")
    assert error_of(tables, f"untyped-{uuid.uuid4().hex[:6]}",          # as CloudFormation users meet it
                    SSESpecification={"Enabled": True, "KMSMasterKeyId": alias}) == (
        "ValidationException", "SSEType KMS is required if KMSMasterKeyId is specified")


def test_import_under_the_team_key(client, team_keys, tables, bucket):
    ddb, s3 = client("dynamodb"), client("s3")
    key, alias = team_keys("imports")
    s3.put_object(Bucket=bucket, Key="seed/accounts.csv", Body=b"id,owner\na-1,ann\na-2,bob\n")
    name = f"accounts-{uuid.uuid4().hex[:6]}"
    tables.restored.append(name)
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "seed/"}, InputFormat="CSV",
        TableCreationParameters={"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                                 "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                                 "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": alias}})
    done = wait_for(lambda: (d := ddb.describe_import(ImportArn=started["ImportTableDescription"]["ImportArn"])[
        "ImportTableDescription"])["ImportStatus"] != "IN_PROGRESS" and d)
    assert (done["ImportStatus"], done["ProcessedItemCount"]) == ("COMPLETED", 2)
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["SSEDescription"] == {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": key["Arn"]}
