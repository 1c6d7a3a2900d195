"""A platform team generates a bucket's CORS rules from a service catalogue and pushes
them with PutBucketCors. S3's admission, as recorded in us-east-1 (radkawar/stackd
testdata/aws/s3/cors_replay.json, typed-control-replacement-and-admission): 100 rules are
taken and a 101st is InvalidRequest; an AllowedHeader with spaces is InvalidRequest while
an empty one is kept; duplicate IDs and values, a negative MaxAgeSeconds and an
`Origin: null` rule are all taken as written; a refused configuration leaves the previous
one in place."""
from trip_helpers import error_of

ORIGINS, METHODS = ["https://app.example"], ["GET"]


def test_cors_rules_admitted_as_s3_admits_them(client, bucket):
    s3 = client("s3")
    hundred = [{"ID": str(n), "AllowedOrigins": ORIGINS, "AllowedMethods": METHODS} for n in range(100)]
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": hundred})
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100
    more = hundred + [{"ID": "100", "AllowedOrigins": ORIGINS, "AllowedMethods": METHODS}]
    assert error_of(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": more})[0] == "InvalidRequest"
    assert len(s3.get_bucket_cors(Bucket=bucket)["CORSRules"]) == 100

    empty = {"AllowedOrigins": ORIGINS, "AllowedMethods": METHODS, "AllowedHeaders": [""]}
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [empty]})
    spaced = {"AllowedOrigins": ORIGINS, "AllowedMethods": METHODS, "AllowedHeaders": ["not a header"]}
    assert error_of(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [spaced]})[0] == "InvalidRequest"
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [empty]

    duplicated = [{"ID": "same", "AllowedOrigins": ORIGINS, "AllowedMethods": METHODS}] * 2
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": duplicated})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == duplicated
    negative = {"AllowedOrigins": ["null"], "AllowedMethods": METHODS, "MaxAgeSeconds": -1}
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [negative]})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == [negative]
