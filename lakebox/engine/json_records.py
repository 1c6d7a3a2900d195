"""CloudTrail's log files read as JSON lines: each file is one JSON object whose
`Records` array holds the events, and CloudTrailInputFormat hands the SerDe one event a
row (the tables of Athena's CloudTrail pages, with the Hive JSON SerDe or the older
CloudTrailSerde)."""
import gzip
import json
import os

import cramjam

from lakebox.engine import codecs


def records_copy(path: str, compression: str, target: str, uri: str):
    """The events of the file at `path` (compressed as `compression` says) as JSON lines
    in `target`; codecs.CorruptFile when it is not a file of records."""
    try:
        document = json.loads(_plain_bytes(path, compression, target, uri) or b'{"Records": []}')
        records = document.get("Records") if isinstance(document, dict) else None
        if not isinstance(records, list):
            raise ValueError("no Records array")
    except (OSError, EOFError, ValueError, cramjam.DecompressionError) as error:
        raise codecs.CorruptFile(f"Error reading CloudTrail file {uri}: {error}") from None
    with open(target, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(record) + "\n" for record in records if isinstance(record, dict))


def _plain_bytes(path: str, compression: str, target: str, uri: str) -> bytes:
    if compression == "gzip":
        with gzip.open(path, "rb") as plain:
            return plain.read()
    if compression == "zstd":
        with open(path, "rb") as source:
            return bytes(cramjam.zstd.decompress(source.read()))
    if compression in ("bzip2", "snappy"):
        codecs.plain_copy(path, compression, target, uri)
        path = target
    with open(path, "rb") as source:
        data = source.read()
    if path == target:
        os.remove(target)
    return data
