"""An ingestion service takes partner files into a lake bucket and trusts nothing: every
PutObject carries Content-MD5 or an x-amz-checksum, so a file damaged on the way is
refused (BadDigest for a wrong digest, InvalidDigest for one that is not an MD5), keys
are checked against S3's 1,024-byte limit (counted in UTF-8 bytes), metadata against
its 2 KB, tags against S3's tag rules. Readers of the files then sample them with Range
requests: a suffix range, the first byte, a range past the end clipped to the object, a
multi-range asked by an old library (S3 ignores it and sends the whole object), an
unsatisfiable start."""
import base64
import hashlib

from trip_helpers import error_of

FEED = b"id,amount\n1,10\n2,20\n3,30\n"


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def test_partner_files_checked_on_the_way_in_and_sampled(client, bucket):
    s3 = client("s3")
    key = "partners/acme/2024-06-01.csv"

    # Integrity on the way in.
    assert error_of(s3.put_object, Bucket=bucket, Key=key, Body=FEED, ContentMD5=md5_b64(FEED[:-1])) == (
        "BadDigest", "The Content-MD5 you specified did not match what we received.")
    assert error_of(s3.put_object, Bucket=bucket, Key=key, Body=FEED,
                    ContentMD5=base64.b64encode(b"not an md5").decode()) == (
        "InvalidDigest", "The Content-MD5 you specified was invalid.")
    wrong_sha = base64.b64encode(hashlib.sha256(FEED + b"\n").digest()).decode()
    assert error_of(s3.put_object, Bucket=bucket, Key=key, Body=FEED, ChecksumSHA256=wrong_sha) == (
        "BadDigest", "The SHA256 you specified did not match the calculated checksum.")
    assert error_of(s3.head_object, Bucket=bucket, Key=key)[0] == "404"
    sha = base64.b64encode(hashlib.sha256(FEED).digest()).decode()
    put = s3.put_object(Bucket=bucket, Key=key, Body=FEED, ContentMD5=md5_b64(FEED), ChecksumSHA256=sha,
                        Metadata={"partner": "acme", "rows": "3"}, Tagging="partner=acme&stage=raw")
    assert (put["ETag"], put["ChecksumSHA256"]) == (f'"{hashlib.md5(FEED).hexdigest()}"', sha)

    # Keys: 1,024 bytes of UTF-8 at most (an "é" is two).
    longest = "partners/" + "k" * 1015
    s3.put_object(Bucket=bucket, Key=longest, Body=b"x")
    assert s3.head_object(Bucket=bucket, Key=longest)["ContentLength"] == 1
    for too_long in ("partners/" + "k" * 1016, "partners/" + "\u00e9" * 508):
        code, message = error_of(s3.put_object, Bucket=bucket, Key=too_long, Body=b"x")
        assert (code, message) == ("KeyTooLongError", "Your key is too long.")

    # Metadata: 2 KB of names and values (the x-amz-meta- prefix is not counted).
    s3.put_object(Bucket=bucket, Key="partners/meta-ok", Body=b"x", Metadata={"note": "n" * 2044})
    assert error_of(s3.put_object, Bucket=bucket, Key="partners/meta-big", Body=b"x",
                    Metadata={"note": "n" * 2045}) == (
        "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.")

    # Tags: ten at most, keys once, no aws: prefix.
    eleven = [{"Key": f"t{n}", "Value": "v"} for n in range(11)]
    assert error_of(s3.put_object_tagging, Bucket=bucket, Key=key, Tagging={"TagSet": eleven}) == (
        "BadRequest", "Object tags cannot be greater than 10")
    assert error_of(s3.put_object_tagging, Bucket=bucket, Key=key, Tagging={"TagSet": [
        {"Key": "stage", "Value": "raw"}, {"Key": "stage", "Value": "clean"}]}) == (
        "InvalidTag", "Cannot provide multiple Tags with the same key")
    assert error_of(s3.put_object, Bucket=bucket, Key="partners/t", Body=b"x", Tagging="aws:origin=acme") == (
        "InvalidTag", "Your TagKey cannot be prefixed with aws:")
    s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": eleven[:10]})
    assert len(s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]) == 10
    head = s3.head_object(Bucket=bucket, Key=key)
    assert (head["Metadata"], head["ContentLength"]) == ({"partner": "acme", "rows": "3"}, len(FEED))

    # Sampling with Range.
    def ranged(spec):
        got = s3.get_object(Bucket=bucket, Key=key, Range=spec)
        return got["ResponseMetadata"]["HTTPStatusCode"], got.get("ContentRange"), got["Body"].read()
    size = len(FEED)
    assert ranged("bytes=-6") == (206, f"bytes {size - 6}-{size - 1}/{size}", FEED[-6:])
    assert ranged("bytes=0-0") == (206, f"bytes 0-0/{size}", b"i")
    assert ranged("bytes=10-999") == (206, f"bytes 10-{size - 1}/{size}", FEED[10:])
    assert ranged("bytes=-999") == (206, f"bytes 0-{size - 1}/{size}", FEED)
    assert ranged("bytes=0-1,5-6") == (200, None, FEED)
    code, message = error_of(s3.get_object, Bucket=bucket, Key=key, Range=f"bytes={size}-")
    assert (code, message) == ("InvalidRange", "The requested range is not satisfiable")
