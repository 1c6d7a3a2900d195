"""A platform team prepares the catalog for its ETL jobs: a security configuration for
their bookmarks and logs, and cost-allocation tags on the database and its tables. Glue
answers as a capture of real Glue recorded it (radkawar/stackd,
testdata/aws/glue/controls_native.json): a second configuration of the same name is
AlreadyExistsException with no words, CSE-KMS bookmarks without a key are refused in
Glue's own (odd) words, tags merge and untagging a key that is not there is no error,
GetTags of something that is no ARN is InvalidInputException with no words, of a
resource that is not there "Entity not found", and of another region's ARN no tags."""
import uuid

from trip_helpers import error_of


def test_security_configuration_and_catalog_tags(client, database):
    glue = client("glue")
    account = client("sts").get_caller_identity()["Account"]
    name = f"etl-{uuid.uuid4().hex[:8]}"
    encryption = {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}],
                  "CloudWatchEncryption": {"CloudWatchEncryptionMode": "DISABLED"},
                  "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "DISABLED"}}
    created = glue.create_security_configuration(Name=name, EncryptionConfiguration=encryption)
    try:
        assert created["Name"] == name
        assert error_of(glue.create_security_configuration, Name=name, EncryptionConfiguration=encryption) == (
            "AlreadyExistsException", "")
        got = glue.get_security_configuration(Name=name)["SecurityConfiguration"]
        assert (got["Name"], got["EncryptionConfiguration"], got["CreatedTimeStamp"]) == (
            name, encryption, created["CreatedTimestamp"])
        assert error_of(glue.create_security_configuration, Name=name + "-kms", EncryptionConfiguration={
            "JobBookmarksEncryption": {"JobBookmarksEncryptionMode": "CSE-KMS"}}) == (
            "InvalidInputException", "kmsKeyArn can only be empty for jobBookmarksEncryptionMode CSE_KMS")
        assert error_of(glue.get_security_configuration, Name=name + "-kms")[0] == "EntityNotFoundException"
    finally:
        glue.delete_security_configuration(Name=name)

    glue.create_table(DatabaseName=database, TableInput={"Name": "orders"})
    database_arn = f"arn:aws:glue:us-east-1:{account}:database/{database}"
    table_arn = f"arn:aws:glue:us-east-1:{account}:table/{database}/orders"
    glue.tag_resource(ResourceArn=database_arn, TagsToAdd={"team": "sales", "cost-center": "42"})
    glue.tag_resource(ResourceArn=database_arn, TagsToAdd={"cost-center": "43", "tier": "gold"})
    assert glue.get_tags(ResourceArn=database_arn)["Tags"] == {"team": "sales", "cost-center": "43", "tier": "gold"}
    glue.untag_resource(ResourceArn=database_arn, TagsToRemove=["tier", "never-set"])
    assert glue.get_tags(ResourceArn=database_arn)["Tags"] == {"team": "sales", "cost-center": "43"}
    glue.tag_resource(ResourceArn=table_arn, TagsToAdd={"pii": "no"})
    assert glue.get_tags(ResourceArn=table_arn)["Tags"] == {"pii": "no"}

    assert error_of(glue.get_tags, ResourceArn="not-an-arn") == ("InvalidInputException", "")
    assert error_of(glue.get_tags, ResourceArn=table_arn + "-gone") == ("EntityNotFoundException", "Entity not found")
    assert glue.get_tags(ResourceArn=database_arn.replace("us-east-1", "us-west-2"))["Tags"] == {}
