"""A log shipper sends the same newline-delimited events through five delivery streams, one per
compression format, and a reader of the bucket looks at each object's headers before decoding
it: every object is `application/octet-stream`, and a compressed one names its codec in
Content-Encoding -- gzip, zip, snappy-java, hadoop-snappy -- while an uncompressed one has none.
The GZIP stream also keeps a GZIP raw backup, whose objects say gzip too. Each object still
decodes (with the codec its Content-Encoding names) to the bytes that were sent. As recorded
from Firehose in radkawar/stackd testdata/aws/firehose (s3_delivery/formatting captures; its
docs/firehose.md: 'Objects use application/octet-stream. GZIP uses .gz/gzip; ZIP uses a DEFLATE
entry with .zip/zip; Snappy uses Xerial snappy-java framing and .snappy/snappy-java;
HADOOP_SNAPPY uses Hadoop framing and .snappy/hadoop-snappy')."""
import gzip
import io
import uuid
import zipfile

import cramjam

from trip_helpers import wait_for
from stkf_helpers import ROLE, firehose_with_bucket, hadoop_blocks

CODECS = {"UNCOMPRESSED": None, "GZIP": "gzip", "ZIP": "zip", "Snappy": "snappy-java",
          "HADOOP_SNAPPY": "hadoop-snappy"}
EVENTS = [f'{{"event":"login","user":{n}}}\n'.encode() for n in range(40)]


def _decoded(encoding, body: bytes) -> bytes:
    if encoding is None:
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            (entry,) = archive.infolist()
            return archive.read(entry)
    if encoding == "snappy-java":
        return bytes(cramjam.snappy.decompress(body))
    return hadoop_blocks(body)


def _only_object(s3, bucket, prefix):
    # the backup keeps its own 60-second buffer: its object may come a while after the primary's
    (listed,) = wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents"), timeout=180)
    return listed["Key"]


def test_objects_name_their_codec_in_content_encoding(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    names = {}
    for codec in CODECS:
        name = f"fhx-enc-{codec.lower().replace('_', '-')}-{uuid.uuid4().hex[:6]}"
        destination = {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": f"{codec}/",
                       "CompressionFormat": codec, "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 0}}
        if codec == "GZIP":
            destination.update(S3BackupMode="Enabled", S3BackupConfiguration={
                "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "raw-gzip/",
                "CompressionFormat": "GZIP", "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}})
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=destination)
        names[codec] = name
        answer = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": e} for e in EVENTS])
        assert answer["FailedPutCount"] == 0

    for codec, encoding in [*CODECS.items(), ("raw-gzip", "gzip")]:
        key = _only_object(s3, bucket, f"{codec}/")
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] == "application/octet-stream"
        assert head.get("ContentEncoding") == encoding
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got.get("ContentEncoding") == encoding
        assert _decoded(encoding, got["Body"].read()) == b"".join(EVENTS)
    for name in names.values():
        firehose.delete_delivery_stream(DeliveryStreamName=name)
