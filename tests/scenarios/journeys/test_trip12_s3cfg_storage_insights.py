"""A storage team instruments a data-lake bucket: a request-metrics filter per dataset
prefix (more than a page of them, read back with List* paging), a weekly Parquet inventory
and a storage-class analysis exported to a reports bucket, and an Intelligent-Tiering
archive configuration. Their generator's mistakes are refused as S3 refuses them: a
metrics Id with a space or over 64 characters, a 1,001st metrics configuration, an
inventory whose destination is a bare bucket name, archive tiers under their minimum or
over two years; a fixed document replaces the old one whole."""
import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"


def refusal(call, **args):
    with pytest.raises(ClientError) as caught:
        call(**args)
    return caught.value.response["ResponseMetadata"]["HTTPStatusCode"], caught.value.response["Error"]


def every_metrics_id(s3, bucket):
    ids, pages, token = [], [], None
    while True:
        page = s3.list_bucket_metrics_configurations(Bucket=bucket, **({"ContinuationToken": token} if token else {}))
        pages.append(len(page.get("MetricsConfigurationList", [])))
        ids += [config["Id"] for config in page.get("MetricsConfigurationList", [])]
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            return ids, pages
        token = page["NextContinuationToken"]


def test_metrics_filters_paged_and_capped(client, bucket):
    s3 = client("s3")
    for n in range(1000):
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id=f"ds-{n:04d}", MetricsConfiguration={
            "Id": f"ds-{n:04d}", "Filter": {"Prefix": f"datasets/{n:04d}/"}})
    ids, pages = every_metrics_id(s3, bucket)
    assert ids == [f"ds-{n:04d}" for n in range(1000)]
    assert pages == [100] * 10

    status, error = refusal(s3.put_bucket_metrics_configuration, Bucket=bucket, Id="ds-1000",
                            MetricsConfiguration={"Id": "ds-1000"})
    assert (status, error) == (400, {
        "Code": "TooManyConfigurations",
        "Message": "You are attempting to create a new configuration but have already reached the "
                   "1,000-configuration limit."})
    # Replacing one that exists is no new configuration.
    replaced = {"Id": "ds-0007", "Filter": {"And": {"Prefix": "datasets/0007/", "Tags": [
        {"Key": "tier", "Value": "gold"}]}}}
    s3.put_bucket_metrics_configuration(Bucket=bucket, Id="ds-0007", MetricsConfiguration=replaced)
    got = s3.get_bucket_metrics_configuration(Bucket=bucket, Id="ds-0007")["MetricsConfiguration"]
    assert got == replaced

    for bad in ("daily requests", "x" * 65, "ds/0001"):
        status, error = refusal(s3.put_bucket_metrics_configuration, Bucket=bucket, Id=bad,
                                MetricsConfiguration={"Id": bad})
        # recorded: radkawar/stackd testdata/aws/s3/request_metrics_control_replay.json (id-syntax-*)
        assert (status, error["Code"]) == (400, "MalformedXML"), bad
    s3.delete_bucket_metrics_configuration(Bucket=bucket, Id="ds-0500")
    s3.put_bucket_metrics_configuration(Bucket=bucket, Id="x" * 64, MetricsConfiguration={"Id": "x" * 64})
    ids, pages = every_metrics_id(s3, bucket)
    assert (len(ids), ids[-1], "ds-0500" in ids, pages) == (1000, "x" * 64, False, [100] * 10)


def test_inventory_analysis_and_archive_tiers(client, bucket, fresh_bucket):
    s3 = client("s3")
    reports = fresh_bucket("trip-reports")
    inventory = {
        "Id": "weekly-parquet", "IsEnabled": True, "IncludedObjectVersions": "All",
        "Filter": {"Prefix": "raw/"}, "Schedule": {"Frequency": "Weekly"},
        "OptionalFields": ["Size", "LastModifiedDate", "StorageClass", "ETag", "IntelligentTieringAccessTier",
                           "EncryptionStatus", "ObjectLockMode", "ChecksumAlgorithm"],
        "Destination": {"S3BucketDestination": {"AccountId": ACCOUNT, "Bucket": f"arn:aws:s3:::{reports}",
                                                "Format": "Parquet", "Prefix": "inventory",
                                                "Encryption": {"SSES3": {}}}}}
    bare = {**inventory, "Destination": {"S3BucketDestination": {
        **inventory["Destination"]["S3BucketDestination"], "Bucket": reports}}}
    status, error = refusal(s3.put_bucket_inventory_configuration, Bucket=bucket, Id="weekly-parquet",
                            InventoryConfiguration=bare)
    assert (status, error["Code"]) == (400, "InvalidS3DestinationBucket")
    json_format = {**inventory, "Destination": {"S3BucketDestination": {
        **inventory["Destination"]["S3BucketDestination"], "Format": "JSON"}}}
    assert refusal(s3.put_bucket_inventory_configuration, Bucket=bucket, Id="weekly-parquet",
                   InventoryConfiguration=json_format) == (400, {
                       "Code": "MalformedXML", "Message": "The XML you provided was not well-formed or did not "
                                                         "validate against our published schema"})
    assert s3.list_bucket_inventory_configurations(Bucket=bucket)["IsTruncated"] is False
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(Bucket=bucket)

    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="weekly-parquet", InventoryConfiguration=inventory)
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="weekly-parquet")[
        "InventoryConfiguration"] == inventory

    analysis = {"Id": "raw-analysis", "Filter": {"Prefix": "raw/"}, "StorageClassAnalysis": {"DataExport": {
        "OutputSchemaVersion": "V_1", "Destination": {"S3BucketDestination": {
            "Format": "CSV", "BucketAccountId": ACCOUNT, "Bucket": f"arn:aws:s3:::{reports}",
            "Prefix": "analysis/"}}}}}
    s3.put_bucket_analytics_configuration(Bucket=bucket, Id="raw-analysis", AnalyticsConfiguration=analysis)
    assert s3.list_bucket_analytics_configurations(Bucket=bucket)["AnalyticsConfigurationList"] == [analysis]

    def tiering(*tiers):
        return {"Id": "archive-cold", "Status": "Enabled", "Filter": {"Prefix": "cold/"},
                "Tierings": [{"Days": days, "AccessTier": tier} for tier, days in tiers]}
    for tiers in ([("ARCHIVE_ACCESS", 89)], [("DEEP_ARCHIVE_ACCESS", 179)], [("ARCHIVE_ACCESS", 731)],
                  [("ARCHIVE_ACCESS", 90), ("DEEP_ARCHIVE_ACCESS", 731)]):
        status, error = refusal(s3.put_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="archive-cold",
                                IntelligentTieringConfiguration=tiering(*tiers))
        # recorded: radkawar/stackd testdata/aws/s3/intelligent_tiering_control_replay.json
        assert (status, error["Code"]) == (400, "InvalidAccessTier"), tiers
    assert refusal(s3.get_bucket_intelligent_tiering_configuration, Bucket=bucket, Id="archive-cold") == (
        404, {"Code": "NoSuchConfiguration", "Message": "The specified configuration does not exist."})

    kept = tiering(("ARCHIVE_ACCESS", 90), ("DEEP_ARCHIVE_ACCESS", 730))
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="archive-cold",
                                                    IntelligentTieringConfiguration=kept)
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=bucket)
    assert (listed["IsTruncated"], listed["IntelligentTieringConfigurationList"]) == (False, [kept])
    # A fixed document replaces the old one whole: the filter is gone.
    only_archive = {"Id": "archive-cold", "Status": "Disabled",
                    "Tierings": [{"Days": 365, "AccessTier": "ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="archive-cold",
                                                    IntelligentTieringConfiguration=only_archive)
    assert s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="archive-cold")[
        "IntelligentTieringConfiguration"] == only_archive
