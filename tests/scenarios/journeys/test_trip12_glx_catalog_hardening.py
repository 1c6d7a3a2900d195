"""A platform team takes over an account's Data Catalog the way its runbook says: the
migration step from the Athena-managed catalog (ImportCatalogToGlue, safe to run again,
then GetCatalogImportStatus), encryption at rest with a customer key and encrypted
connection passwords, and a catalog resource policy that grants a partner account read
access, replaced only when its hash still matches and removed at the end."""
import json

from trip_helpers import error_of


def test_catalog_hardening_runbook(client):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    # the import is a no-op on a catalog that is Glue's already, and may be repeated
    assert glue.import_catalog_to_glue()["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert glue.import_catalog_to_glue(CatalogId=account)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert glue.get_catalog_import_status()["ImportStatus"]["ImportCompleted"] is True

    key_id = client("kms").create_key(Description="catalog key")["KeyMetadata"]["KeyId"]
    before = glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"]
    try:
        glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings={
            "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": key_id},
            "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True,
                                             "AwsKmsKeyId": key_id}})
        assert glue.get_data_catalog_encryption_settings(CatalogId=account)["DataCatalogEncryptionSettings"] == {
            "EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": key_id},
            "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": True, "AwsKmsKeyId": key_id}}
    finally:
        glue.put_data_catalog_encryption_settings(DataCatalogEncryptionSettings=before)
        client("kms").schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert glue.get_data_catalog_encryption_settings()["DataCatalogEncryptionSettings"] == before

    catalog_arn = f"arn:aws:glue:us-east-1:{account}:catalog"
    read_only = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
        "Resource": [catalog_arn, f"arn:aws:glue:us-east-1:{account}:database/*",
                     f"arn:aws:glue:us-east-1:{account}:table/*/*"]}]})
    wider = read_only.replace('"glue:GetPartitions"', '"glue:GetPartitions", "glue:GetTables"')
    assert error_of(glue.put_resource_policy, PolicyInJson=read_only, PolicyExistsCondition="MUST_EXIST")[0] == (
        "EntityNotFoundException")
    first = glue.put_resource_policy(PolicyInJson=read_only, PolicyExistsCondition="NOT_EXIST")["PolicyHash"]
    try:
        stored = glue.get_resource_policy()
        assert (stored["PolicyInJson"], stored["PolicyHash"]) == (read_only, first)
        assert [p["PolicyHash"] for p in glue.get_resource_policies()["GetResourcePoliciesResponseList"]] == [first]
        # a second writer that read the policy before the change loses the race
        second = glue.put_resource_policy(PolicyInJson=wider, PolicyHashCondition=first)["PolicyHash"]
        assert second != first
        assert error_of(glue.put_resource_policy, PolicyInJson=read_only, PolicyHashCondition=first)[0] == (
            "ConcurrentModificationException")
        assert error_of(glue.delete_resource_policy, PolicyHashCondition=first)[0] == (
            "ConcurrentModificationException")
        assert glue.get_resource_policy()["PolicyInJson"] == wider
    finally:
        glue.delete_resource_policy()
    assert error_of(glue.get_resource_policy) == ("EntityNotFoundException", "Policy not found")
    assert glue.get_resource_policies()["GetResourcePoliciesResponseList"] == []
