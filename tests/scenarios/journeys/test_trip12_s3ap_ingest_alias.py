"""An ingest job that was handed an access point alias instead of a bucket name: it uses
the alias wherever its code takes a bucket (S3 User Guide, "Access point aliases": an
alias can be used anywhere a bucket name is used for object operations). It writes
objects (a small PUT, a multipart upload from the transfer manager), reads them back
through the alias and through the bucket itself, copies and tags through the alias, lists
prefixes and unfinished uploads, deletes in a batch, and asks HeadBucket and
GetBucketLocation, which S3 serves through access points (S3 User Guide, "Access point
compatibility"); HeadBucket answers that the name was an alias (x-amz-access-point-alias,
S3 API reference HeadBucket). An alias of no access point, or of one deleted since, is
S3's InvalidAccessPointAliasError ("The specified access point alias name is not valid.",
S3 API reference, "List of error codes"). The access point's ARN also stands for the
bucket: SDKs send such requests to the access point's own host, `<name>-<account>.`
in front of the endpoint's (S3 User Guide, "Using access points").
"""
import io
import uuid

from boto3.s3.transfer import TransferConfig

from s3ap_helpers import arn_client, control_client
from trip_helpers import error_of

MB = 1024 * 1024
BAD_ALIAS = ("InvalidAccessPointAliasError", "The specified access point alias name is not valid.")


def test_ingest_job_through_an_alias(lakebox_server, client, bucket):
    account = client("sts").get_caller_identity()["Account"]
    control, s3 = control_client(lakebox_server), client("s3")
    name = f"ingest-{uuid.uuid4().hex[:8]}"
    alias = control.create_access_point(AccountId=account, Name=name, Bucket=bucket)["Alias"]
    try:
        put = s3.put_object(Bucket=alias, Key="raw/2026/12/05/orders.csv", Body=b"id,total\n1,9.50\n2,3.25\n",
                            ContentType="text/csv", Metadata={"source": "pos"})
        read = s3.get_object(Bucket=bucket, Key="raw/2026/12/05/orders.csv")
        assert (read["Body"].read(), read["ContentType"], read["Metadata"], read["ETag"]) == (
            b"id,total\n1,9.50\n2,3.25\n", "text/csv", {"source": "pos"}, put["ETag"])
        head = s3.head_object(Bucket=alias, Key="raw/2026/12/05/orders.csv")
        assert (head["ContentLength"], head["ETag"]) == (23, put["ETag"])

        # A large file: the transfer manager's multipart upload, all through the alias.
        payload = bytes(range(256)) * (12 * MB // 256)
        s3.upload_fileobj(io.BytesIO(payload), alias, "raw/2026/12/05/clicks.bin",
                          Config=TransferConfig(multipart_threshold=5 * MB, multipart_chunksize=5 * MB))
        whole = s3.get_object(Bucket=alias, Key="raw/2026/12/05/clicks.bin")
        assert whole["ETag"].endswith('-3"') and whole["Body"].read() == payload
        ranged = s3.get_object(Bucket=alias, Key="raw/2026/12/05/clicks.bin", Range="bytes=256-259")
        assert ranged["Body"].read() == bytes([0, 1, 2, 3])

        # An upload left open is listed through the alias too.
        open_upload = s3.create_multipart_upload(Bucket=alias, Key="raw/2026/12/05/partial.bin")["UploadId"]
        uploads = s3.list_multipart_uploads(Bucket=alias)["Uploads"]
        assert [(u["Key"], u["UploadId"]) for u in uploads] == [("raw/2026/12/05/partial.bin", open_upload)]
        s3.abort_multipart_upload(Bucket=alias, Key="raw/2026/12/05/partial.bin", UploadId=open_upload)

        # Curate: copy into place, tag, list by prefix.
        s3.copy_object(Bucket=alias, Key="curated/orders.csv",
                       CopySource={"Bucket": alias, "Key": "raw/2026/12/05/orders.csv"})
        s3.put_object_tagging(Bucket=alias, Key="curated/orders.csv",
                              Tagging={"TagSet": [{"Key": "stage", "Value": "curated"}]})
        assert s3.get_object_tagging(Bucket=bucket, Key="curated/orders.csv")["TagSet"] == [
            {"Key": "stage", "Value": "curated"}]
        assert s3.get_object(Bucket=bucket, Key="curated/orders.csv")["Body"].read() == b"id,total\n1,9.50\n2,3.25\n"
        listed = s3.list_objects_v2(Bucket=alias, Prefix="raw/", Delimiter="/")
        assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["raw/2026/"]
        listed = s3.list_objects_v2(Bucket=alias)
        assert [(o["Key"], o["Size"]) for o in listed["Contents"]] == [
            ("curated/orders.csv", 23), ("raw/2026/12/05/clicks.bin", 12 * MB), ("raw/2026/12/05/orders.csv", 23)]

        # Bucket-level questions S3 answers through an access point.
        through = s3.head_bucket(Bucket=alias)
        assert (through["AccessPointAlias"], through["BucketRegion"]) == (True, "us-east-1")
        assert s3.head_bucket(Bucket=bucket)["AccessPointAlias"] is False
        assert s3.get_bucket_location(Bucket=alias)["LocationConstraint"] is None

        # Clean up the raw files in one batch.
        deleted = s3.delete_objects(Bucket=alias, Delete={"Objects": [
            {"Key": "raw/2026/12/05/orders.csv"}, {"Key": "raw/2026/12/05/clicks.bin"}], "Quiet": False})
        assert sorted(d["Key"] for d in deleted["Deleted"]) == ["raw/2026/12/05/clicks.bin",
                                                               "raw/2026/12/05/orders.csv"]
        assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["curated/orders.csv"]
        assert error_of(s3.get_object, Bucket=alias, Key="raw/2026/12/05/orders.csv") == (
            "NoSuchKey", "The specified key does not exist.")

        # Another job names the access point by its ARN (SDKs address it by virtual host).
        by_arn, arn = arn_client(lakebox_server), f"arn:aws:s3:us-east-1:{account}:accesspoint/{name}"
        by_arn.put_object(Bucket=arn, Key="curated/by-arn.txt", Body=b"addressed by ARN")
        assert s3.get_object(Bucket=bucket, Key="curated/by-arn.txt")["Body"].read() == b"addressed by ARN"
        assert [o["Key"] for o in by_arn.list_objects_v2(Bucket=arn, Prefix="curated/")["Contents"]] == [
            "curated/by-arn.txt", "curated/orders.csv"]
        by_arn.delete_object(Bucket=arn, Key="curated/by-arn.txt")

        # An alias no access point has.
        made_up = f"ingest-{'q' * 34}-s3alias"
        assert error_of(s3.get_object, Bucket=made_up, Key="curated/orders.csv") == BAD_ALIAS
        assert error_of(s3.put_object, Bucket=made_up, Key="x", Body=b"x") == BAD_ALIAS
    finally:
        control.delete_access_point(AccountId=account, Name=name)
    # Deleted, the access point's alias leads nowhere; the bucket keeps its objects.
    assert error_of(s3.list_objects_v2, Bucket=alias) == BAD_ALIAS
    assert s3.get_object(Bucket=bucket, Key="curated/orders.csv")["ContentLength"] == 23
