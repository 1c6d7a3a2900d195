"""Tag rules as a boto3 user meets them in each service: what is refused, with which code,
and that a refused request changes nothing.

Sources: S3 API reference (S3Tag pattern) and S3's replies as users report them; kinesalite's
tests recorded against Kinesis; ScyllaDB's test_tag.py run against DynamoDB; each service's
documented `aws:` prefix reservation. Where a service's words for a refusal are not
recorded, only the code is asserted."""
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

NO_RETRIES = Config(retries={"total_max_attempts": 1})


def refused(call, **params) -> dict:
    with pytest.raises(ClientError) as caught:
        call(**params)
    return caught.value.response["Error"]


@pytest.fixture(scope="module")
def s3(lakebox_server):
    s3 = lakebox_server.client("s3", config=NO_RETRIES)
    s3.create_bucket(Bucket="audit8-tags")
    s3.put_object(Bucket="audit8-tags", Key="o", Body=b"x")
    return s3


@pytest.mark.parametrize("text", ["a,b", "a(b)", "a;b", "50%", "tab\there"])
def test_s3_object_tags_refuse_characters_outside_s3s_set(s3, text):
    assert refused(s3.put_object_tagging, Bucket="audit8-tags", Key="o",
                   Tagging={"TagSet": [{"Key": "k", "Value": text}]}) == {
        "Code": "InvalidTag", "Message": "The TagValue you have provided is invalid", "TagKey": "k", "TagValue": text}
    assert refused(s3.put_object_tagging, Bucket="audit8-tags", Key="o",
                   Tagging={"TagSet": [{"Key": text, "Value": "v"}]}) == {
        "Code": "InvalidTag", "Message": "The TagKey you have provided is invalid", "TagKey": text}
    assert s3.get_object_tagging(Bucket="audit8-tags", Key="o")["TagSet"] == []


def test_s3_put_object_with_a_refused_tag_in_its_header_stores_nothing(s3):
    error = refused(s3.put_object, Bucket="audit8-tags", Key="tagged", Body=b"x", Tagging="team=a,b")
    assert (error["Code"], error["Message"]) == ("InvalidTag", "The TagValue you have provided is invalid")
    assert s3.list_objects_v2(Bucket="audit8-tags", Prefix="tagged")["KeyCount"] == 0


def test_s3_bucket_tags_take_letters_numbers_spaces_and_s3s_punctuation(s3):
    tag_set = [{"Key": "Team Name", "Value": "data-eng@example.com"}, {"Key": "path/to:x", "Value": "a=b+c_d.e"},
               {"Key": "ünï", "Value": "日本 ٣"}, {"Key": "empty", "Value": ""}]
    s3.put_bucket_tagging(Bucket="audit8-tags", Tagging={"TagSet": tag_set})
    assert sorted(s3.get_bucket_tagging(Bucket="audit8-tags")["TagSet"], key=lambda t: t["Key"]) == \
        sorted(tag_set, key=lambda t: t["Key"])
    error = refused(s3.put_bucket_tagging, Bucket="audit8-tags",
                    Tagging={"TagSet": [{"Key": "Name", "Value": "support (staging)"}]})
    assert (error["Code"], error["Message"]) == ("InvalidTag", "The TagValue you have provided is invalid")
    assert len(s3.get_bucket_tagging(Bucket="audit8-tags")["TagSet"]) == 4


def test_dynamodb_refuses_a_51st_tag_an_empty_list_and_odd_characters(lakebox_server):
    ddb = lakebox_server.client("dynamodb", config=NO_RETRIES)
    ddb.create_table(TableName="audit8-tags", BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    arn = ddb.describe_table(TableName="audit8-tags")["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert refused(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "k50", "Value": "v"}])["Code"] == \
        "ValidationException"
    assert refused(ddb.tag_resource, ResourceArn=arn, Tags=[])["Code"] == "ValidationException"
    for text in ("hi!", "d%g", '"hello"'):
        assert refused(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "k0", "Value": text}])["Code"] == \
            "ValidationException"
    assert refused(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "x" * 129, "Value": "v"}])["Code"] == \
        "ValidationException"
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert len(tags) == 50 and {"Key": "k0", "Value": "v"} in tags


KINESIS_REFUSED = {"semicolon": "a;b", "comma": "a,b", "tab": "tab\there", "newline": "new\nline"}


@pytest.mark.parametrize("label", KINESIS_REFUSED)
def test_kinesis_refuses_what_kinesis_refuses(lakebox_server, label):
    kinesis = lakebox_server.client("kinesis", config=NO_RETRIES)
    name, text = f"audit8-tags-{label}", KINESIS_REFUSED[label]
    kinesis.create_stream(StreamName=name, ShardCount=1)
    error = refused(kinesis.add_tags_to_stream, StreamName=name, Tags={"k": text})
    assert error == {"Code": "InvalidArgumentException", "Message": (
        "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, "
        "_ . / = + - % @.")}
    assert kinesis.list_tags_for_stream(StreamName=name)["Tags"] == []


def test_the_aws_prefix_is_reserved_in_sqs_kms_and_glue(lakebox_server):
    sqs = lakebox_server.client("sqs", config=NO_RETRIES)
    url = sqs.create_queue(QueueName="audit8-tags")["QueueUrl"]
    assert refused(sqs.tag_queue, QueueUrl=url, Tags={"aws:team": "x"})["Code"] == "InvalidParameterValue"
    assert sqs.list_queue_tags(QueueUrl=url).get("Tags", {}) == {}
    kms = lakebox_server.client("kms", config=NO_RETRIES)
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    assert refused(kms.tag_resource, KeyId=key, Tags=[{"TagKey": "aws:team", "TagValue": "x"}])["Code"] == \
        "TagException"
    assert kms.list_resource_tags(KeyId=key)["Tags"] == []
    glue = lakebox_server.client("glue", config=NO_RETRIES)
    glue.create_database(DatabaseInput={"Name": "audit8_tags"})
    arn = "arn:aws:glue:us-east-1:000000000000:database/audit8_tags"
    assert refused(glue.tag_resource, ResourceArn=arn, TagsToAdd={"aws:team": "x"})["Code"] == \
        "InvalidInputException"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {}
