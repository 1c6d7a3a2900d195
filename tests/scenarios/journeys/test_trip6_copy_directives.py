"""Re-labelling files already in the lake without downloading them: a copy keeps the
source's metadata and tags by default (COPY), a REPLACE copy gives the object a new
Content-Type, metadata and tags, a copy of an object onto itself is refused unless
something changes (then it is how one changes metadata in place), a conditional copy
against a stale ETag fails, and copying a missing key is NoSuchKey."""
from trip_helpers import error_of

SELF_COPY = ("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself "
             "without changing the object's metadata, storage class, website redirect location or encryption "
             "attributes.")


def test_copies_with_metadata_and_tagging_directives(client, bucket):
    s3 = client("s3")
    s3.put_object(Bucket=bucket, Key="raw/report.csv", Body=b"a,b\n1,2\n", ContentType="text/plain",
                  Metadata={"owner": "finance", "run": "17"}, Tagging="stage=raw&pii=no")
    source = {"Bucket": bucket, "Key": "raw/report.csv"}

    kept = s3.copy_object(Bucket=bucket, Key="archive/report.csv", CopySource=source)
    head = s3.head_object(Bucket=bucket, Key="archive/report.csv")
    assert head["ContentType"] == "text/plain"
    assert head["Metadata"] == {"owner": "finance", "run": "17"}
    assert head["ETag"] == kept["CopyObjectResult"]["ETag"]
    assert s3.get_object_tagging(Bucket=bucket, Key="archive/report.csv")["TagSet"] == [
        {"Key": "stage", "Value": "raw"}, {"Key": "pii", "Value": "no"}]

    s3.copy_object(Bucket=bucket, Key="curated/report.csv", CopySource=source, MetadataDirective="REPLACE",
                   ContentType="text/csv", Metadata={"owner": "analytics"}, TaggingDirective="REPLACE",
                   Tagging="stage=curated")
    curated = s3.head_object(Bucket=bucket, Key="curated/report.csv")
    assert curated["ContentType"] == "text/csv"
    assert curated["Metadata"] == {"owner": "analytics"}
    assert s3.get_object_tagging(Bucket=bucket, Key="curated/report.csv")["TagSet"] == [
        {"Key": "stage", "Value": "curated"}]

    s3.copy_object(Bucket=bucket, Key="archive/other.csv", CopySource=source, Metadata={"ignored": "yes"})
    assert s3.head_object(Bucket=bucket, Key="archive/other.csv")["Metadata"] == {"owner": "finance", "run": "17"}

    assert error_of(s3.copy_object, Bucket=bucket, Key="raw/report.csv", CopySource=source) == SELF_COPY
    s3.copy_object(Bucket=bucket, Key="raw/report.csv", CopySource=source, MetadataDirective="REPLACE",
                   ContentType="text/csv", Metadata={"owner": "finance", "run": "18"})
    in_place = s3.head_object(Bucket=bucket, Key="raw/report.csv")
    assert (in_place["ContentType"], in_place["Metadata"]["run"]) == ("text/csv", "18")
    assert s3.get_object(Bucket=bucket, Key="raw/report.csv")["Body"].read() == b"a,b\n1,2\n"

    assert error_of(s3.copy_object, Bucket=bucket, Key="archive/stale.csv", CopySource=source,
                    CopySourceIfMatch=kept["CopyObjectResult"]["ETag"].replace("a", "b").replace("1", "2")) == (
        "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
    assert error_of(s3.copy_object, Bucket=bucket, Key="archive/none.csv",
                    CopySource={"Bucket": bucket, "Key": "raw/none.csv"}) == (
        "NoSuchKey", "The specified key does not exist.")
    assert error_of(s3.copy_object, Bucket=bucket, Key="archive/x.csv", CopySource=source,
                    MetadataDirective="MOVE") == (
        "InvalidArgument", "Unknown metadata directive.")
