"""An archive of sensor frames (binary, some frames empty) is delivered three ways: ZIP,
Snappy and HADOOP_SNAPPY, 1,250,054 bytes in one batch, each object decoded back to the very
bytes that were sent. Both snappy codecs name their objects `.snappy` -- HADOOP_SNAPPY too,
where the developer guide's table says `.hsnappy` -- and an explicit empty FileExtension
keeps the codec's suffix. As recorded from Firehose in radkawar/stackd
testdata/aws/firehose/multiblock_replay.json (three independently decoded 1,250,054-byte
ZIP/Xerial Snappy/Hadoop Snappy objects with binary and empty records) and delivery_replay.json
(its docs/firehose.md: 'HADOOP_SNAPPY uses Hadoop framing and .snappy/hadoop-snappy. The
captured Hadoop suffix differs from documentation that describes .hsnappy. An explicit empty
FileExtension restores the codec's default suffix')."""
import io
import random
import uuid
import zipfile

import cramjam

from trip_helpers import wait_for
from stkf_helpers import ROLE, firehose_with_bucket, hadoop_blocks

SUFFIXES = {"ZIP": ".zip", "Snappy": ".snappy", "HADOOP_SNAPPY": ".snappy"}


def _frames():
    rng = random.Random(1250054)
    frames = [rng.randbytes(50_000) for _ in range(25)] + [b"", rng.randbytes(54), b""]
    assert sum(map(len, frames)) == 1_250_054
    return frames


def _decoded(codec: str, body: bytes) -> bytes:
    if codec == "ZIP":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            (entry,) = archive.infolist()
            assert entry.compress_type == zipfile.ZIP_DEFLATED
            return archive.read(entry)
    if codec == "Snappy":
        return bytes(cramjam.snappy.decompress(body))
    return hadoop_blocks(body)


def test_large_binary_batches_decode_from_each_codec(lakebox_server):
    firehose, s3, bucket = firehose_with_bucket(lakebox_server)
    frames = _frames()
    names = {}
    for codec in SUFFIXES:
        name = f"fhs-codec-{codec.lower().replace('_', '-')}-{uuid.uuid4().hex[:6]}"
        firehose.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration={
            "RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": f"{codec}/", "FileExtension": "",
            "CompressionFormat": codec, "BufferingHints": {"SizeInMBs": 5, "IntervalInSeconds": 0}})
        names[codec] = name
        answer = firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": f} for f in frames])
        assert answer["FailedPutCount"] == 0

    for codec, suffix in SUFFIXES.items():
        (listed,) = wait_for(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"{codec}/").get("Contents"))
        key = listed["Key"]
        assert key.split("/")[-1].startswith(f"{names[codec]}-1-")
        assert key.endswith(suffix) and not key.endswith(".hsnappy")
        got = s3.get_object(Bucket=bucket, Key=key)
        assert got["ContentType"] == "application/octet-stream"
        assert _decoded(codec, got["Body"].read()) == b"".join(frames)
        firehose.delete_delivery_stream(DeliveryStreamName=names[codec])
