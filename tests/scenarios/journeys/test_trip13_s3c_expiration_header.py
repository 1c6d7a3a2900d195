"""A retention team checks which lifecycle rule will expire each object, as S3 told it in
us-east-1 (radkawar/stackd testdata/aws/s3/lifecycle_header_authority_replay.json,
current-versioned-suspended-expiration-headers): x-amz-expiration names the rule with '"',
'%' and non-ASCII characters as lower-case %xx of their UTF-8 bytes ('a b"&,/%é' ->
'a b%22&,/%25%c3%a9'), on PutObject, HeadObject and GetObject of the latest version; a
read naming a version, even the current one, or of a noncurrent version tells none."""
RULE = 'a b"&,/%\u00e9'
ESCAPED = "a b%22&,/%25%c3%a9"


def test_expiration_header_names_the_rule_as_s3_does(client, versions_emptied):
    s3 = client("s3")
    bucket = versions_emptied
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": RULE, "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 10}}]})
    first = s3.put_object(Bucket=bucket, Key="object", Body=b"first")
    assert first["Expiration"].endswith(f'rule-id="{ESCAPED}"')
    current = s3.put_object(Bucket=bucket, Key="object", Body=b"second")["VersionId"]
    assert s3.head_object(Bucket=bucket, Key="object")["Expiration"].endswith(f'rule-id="{ESCAPED}"')
    assert s3.get_object(Bucket=bucket, Key="object")["Expiration"].endswith(f'rule-id="{ESCAPED}"')
    for version in (current, first["VersionId"]):
        assert "Expiration" not in s3.head_object(Bucket=bucket, Key="object", VersionId=version)
        assert "Expiration" not in s3.get_object(Bucket=bucket, Key="object", VersionId=version)
