"""A platform team's tag governance job stamps cost tags on a DynamoDB table from a
catalogue, and meets each of DynamoDB's tag refusals. DynamoDB's words, as recorded
against it by an operator's lab (DDB-TABLE-105/107/108/372): every refusal is a
ValidationException and refuses the whole request; the 50-tag limit counts the set the
request would leave (overwriting a key at 50 is fine, a 51st key is not), and also the
keys UntagResource names; `aws:` is reserved in any case, also for UntagResource; keys
are 1-128 and values 0-256 characters, checked by DynamoDB with its own words; letters of
any script, digits, spaces and + - = . _ : / @ are allowed, other punctuation is not; a
key twice in one request, an empty Tags or TagKeys list are refused; removing a key the
table lacks is a no-op. A table's name is no ARN; a stream's ARN and a missing table's are
'Requested resource not found: ResourceArn: <arn> not found' (DDB-TABLE-070/071)."""
from trip_helpers import client_table, error_of

TOO_MANY = ("ValidationException", "Number of Tags exceed the current limit for the provided ResourceArn")


def test_tag_governance(client, table_name):
    ddb = client("dynamodb")
    client_table(ddb, table_name, ("pk", "S"))
    arn = ddb.describe_table(TableName=table_name)["Table"]["TableArn"]

    def tags():
        return {t["Key"]: t["Value"] for t in ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]}

    def refusal(*tags_sent):
        return error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in tags_sent])

    catalogue = [(f"cc-{i:02d}", f"team-{i}") for i in range(49)] + [("owner", "data-platform@example.com")]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": k, "Value": v} for k, v in catalogue])
    assert tags() == dict(catalogue)

    assert refusal(("cc-00", "team-zero"), ("cc-50", "late")) == TOO_MANY    # 51 once merged: nothing applied
    assert refusal(*[(f"extra-{i}", "x") for i in range(51)]) == TOO_MANY
    assert refusal(("aws:cloudformation:stack", "s"))[1] == \
        "Tag Key cannot be prefixed with aws:, Key: aws:cloudformation:stack"
    assert refusal(("cc-01", "ok"), ("AWS:Owner", "me")) == (
        "ValidationException", "Tag Key cannot be prefixed with aws:, Key: AWS:Owner")
    assert refusal(("budget", "100%")) == ("ValidationException", "The Tag Value provided is invalid, Value: 100%")
    assert refusal(("teams", "a,b")) == ("ValidationException", "The Tag Value provided is invalid, Value: a,b")
    assert refusal(("cost#center", "x")) == ("ValidationException", "The Tag Key provided is invalid, Key: cost#center")
    assert refusal(("note", "v" * 257)) == ("ValidationException", "The Tag Value provided is invalid, Value: " + "v" * 257)
    assert refusal(("k" * 129, "v")) == ("ValidationException", "The Tag Key provided is invalid, Key: " + "k" * 129)
    assert refusal(("cc-02", "a"), ("cc-02", "b")) == (
        "ValidationException", "Duplicate Tag Keys provided as input: Duplicate Tag Key found cc-02")
    assert refusal() == ("ValidationException", "Atleast one Tag needs to be provided as Input.")
    assert tags() == dict(catalogue)                                       # every refusal left the tags alone

    # At 50, overwriting keys is fine; the catalogue's owner may be a mailbox (@ is allowed).
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "cc-00", "Value": "team zero / core"},
                                            {"Key": "owner", "Value": "lakehouse+oncall@example.com"}])
    assert (tags()["cc-00"], tags()["owner"], len(tags())) == ("team zero / core", "lakehouse+oncall@example.com", 50)

    def untag_refusal(keys):
        return error_of(ddb.untag_resource, ResourceArn=arn, TagKeys=keys)
    assert untag_refusal([]) == ("ValidationException", "Atleast one Tag Key needs to be provided as Input.")
    assert untag_refusal(["aws:createdBy"]) == (
        "ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:createdBy")
    assert untag_refusal([f"cc-{i:02d}" for i in range(49)] + ["owner", "gone"]) == TOO_MANY
    assert untag_refusal(["k" * 129]) == ("ValidationException", "The Tag Key provided is invalid, Key: " + "k" * 129)
    ddb.untag_resource(ResourceArn=arn, TagKeys=["cc-48", "never-set"])
    assert "cc-48" not in tags() and len(tags()) == 49

    # The job's catalogue sometimes names a table, a stream or a table gone since.
    assert error_of(ddb.list_tags_of_resource, ResourceArn=table_name) == (
        "ValidationException", f"One or more parameter values were invalid: ARNs must start with 'arn:': {table_name}")
    ddb.update_table(TableName=table_name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    stream = ddb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
    for target in (stream, arn + "-retired"):
        assert error_of(ddb.tag_resource, ResourceArn=target, Tags=[{"Key": "cc-00", "Value": "x"}]) == (
            "ResourceNotFoundException", f"Requested resource not found: ResourceArn: {target} not found")
        assert error_of(ddb.list_tags_of_resource, ResourceArn=target) == (
            "ResourceNotFoundException", f"Requested resource not found: ResourceArn: {target} not found")


def test_tables_born_with_bad_tags(client, table_name):
    """CreateTable checks its Tags as TagResource does and, refused, creates nothing
    (replies recorded against DynamoDB by the ack-api-quirks lab, DDB-TABLE-110)."""
    ddb = client("dynamodb")

    def create(*pairs):
        return error_of(ddb.create_table, TableName=table_name, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        Tags=[{"Key": k, "Value": v} for k, v in pairs])
    assert create(("aws:foo", "x")) == ("ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:foo")
    assert create(("k" * 129, "x")) == ("ValidationException", "The Tag Key provided is invalid, Key: " + "k" * 129)
    assert create(*[(f"k{i}", "v") for i in range(51)]) == TOO_MANY
    assert create(("team", "a"), ("team", "b")) == (
        "ValidationException", "Duplicate Tag Keys provided as input: Duplicate Tag Key found team")
    assert error_of(ddb.describe_table, TableName=table_name) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {table_name} not found")
