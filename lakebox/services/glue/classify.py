"""Glue's built-in classifiers: what a file is and what its schema looks like.

Columnar files are read by their footers only (Parquet, ORC) or their header and
block headers (Avro). Text files (JSON lines, CSV/TSV, Apache logs) are read through a
bounded sample of their decompressed start, as Glue does; compressed files (gzip,
bzip2, zstd, Hadoop snappy) are recognised by their first bytes, not their names.
A built-in classifier answers with certainty 1.0 or 0.0: the first to answer 1.0 wins.
"""
import csv
import functools
import io
import json
import re
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field

from lakebox.services.glue import grok, infer

SAMPLE_BYTES = 1 << 20          # the decompressed start of a text file that is read
MAX_SAMPLE_LINES = 2_000
CSV_DELIMITERS = [",", "|", "\t", ";", "\x01"]
HEADER_CELL_MAX = 150           # Glue: a header cell (but the last) is shorter than this
_COLUMN_NAME = re.compile(r"[^\x00-\x1f]+")


_SIGNATURE_DETAILS = ("delimiter", "header", "quoted", "quote", "pattern", "rowTag", "jsonPath", "serde")


@dataclass
class FileSchema:
    classification: str                  # parquet, orc, avro, json, xml, csv, combined_apache, apache, syslog, UNKNOWN
    columns: list = field(default_factory=list)   # [(name, type tree)]
    compression: str = "none"            # none, gzip, bzip2, zstd, snappy
    records: int = 0                     # exact for columnar files, estimated from the sample for text
    details: dict = field(default_factory=dict)   # csv: delimiter, header, quoted; grok: pattern
    bytes_read: int = 0
    error: str | None = None             # why a file could not be read

    def signature(self) -> tuple:
        """What two files must share to be one table: format and its settings."""
        return (self.classification, tuple(sorted((k, str(v)) for k, v in self.details.items()
                                                   if k in _SIGNATURE_DETAILS)))


# ---------------------------------------------------------------------------
# Compression


_MAGIC = [(b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\x28\xb5\x2f\xfd", "zstd"),
          (b"\xff\x06\x00\x00sNaPpY", "snappy")]


def sniff_compression(head: bytes) -> str:
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if _looks_hadoop_snappy(head):
        return "snappy"
    return "none"


def _looks_hadoop_snappy(head: bytes) -> bool:
    """Hadoop's snappy blocks: [uncompressed length][compressed length][raw snappy],
    lengths big-endian; the raw block starts with the uncompressed length as a varint."""
    if len(head) < 9 or all(32 <= b < 127 or b in (9, 10, 13) for b in head[:8]):
        return False              # text, not two binary lengths
    total, compressed = struct.unpack(">II", head[:8])
    if not (0 < compressed <= total * 2 + 64 and 0 < total < 1 << 31):
        return False
    length, shift, position = 0, 0, 8
    while position < len(head) and position < 13:
        byte = head[position]
        length |= (byte & 0x7F) << shift
        position += 1
        if not byte & 0x80:
            return 0 < length <= total
        shift += 7
    return False


def read_sample(path: str, compression: str, size: int) -> tuple[bytes, bool, int]:
    """(decompressed start of the file, whether that is all of it, compressed bytes read)."""
    if compression == "none":
        with open(path, "rb") as f:
            data = f.read(SAMPLE_BYTES)
        return data, len(data) >= size, len(data)
    if compression == "snappy":
        return _read_snappy(path)
    import pyarrow as pa

    codec = {"gzip": "gzip", "bzip2": "bz2", "zstd": "zstd"}[compression]
    with pa.OSFile(path) as raw, pa.CompressedInputStream(raw, codec) as stream:
        data = stream.read(SAMPLE_BYTES + 1)
        consumed = raw.tell()
    complete = len(data) <= SAMPLE_BYTES
    return data[:SAMPLE_BYTES], complete, consumed


def _read_snappy(path: str) -> tuple[bytes, bool, int]:
    import pyarrow as pa

    codec = pa.Codec("snappy")
    out, consumed = bytearray(), 0
    with open(path, "rb") as f:
        head = f.read(10)
        f.seek(0)
        framed = head.startswith(b"\xff\x06\x00\x00sNaPpY")
        while len(out) < SAMPLE_BYTES:
            if framed:
                header = f.read(4)
                if len(header) < 4:
                    return bytes(out), True, consumed
                kind, length = header[0], int.from_bytes(header[1:4], "little")
                body = f.read(length)
                consumed += 4 + length
                if kind == 0x00:        # compressed chunk: 4-byte CRC, then raw snappy
                    out += _snappy_block(codec, body[4:])
                elif kind == 0x01:      # uncompressed chunk
                    out += body[4:]
            else:
                header = f.read(8)
                if len(header) < 8:
                    return bytes(out), True, consumed
                _, length = struct.unpack(">II", header)
                out += _snappy_block(codec, f.read(length))
                consumed += 8 + length
    return bytes(out[:SAMPLE_BYTES]), False, consumed


def _snappy_block(codec, raw: bytes) -> bytes:
    length, shift = 0, 0
    for byte in raw[:5]:
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return codec.decompress(raw, decompressed_size=length).to_pybytes()


# ---------------------------------------------------------------------------
# Columnar files


def classify_parquet(path: str, size: int) -> FileSchema:
    import pyarrow.parquet as pq

    meta = pq.read_metadata(path)
    schema = meta.schema.to_arrow_schema()
    columns = [(f.name, infer.arrow_type(f.type)) for f in schema]
    footer = _footer_length(path, size)
    # compressed pages are internal to the file: Glue writes compressionType none for them
    # (AWS's "How crawlers work"; SHOW CREATE TABLE of crawled snappy Parquet tables)
    return FileSchema("parquet", columns, "none", meta.num_rows, bytes_read=footer + 8)


def _footer_length(path: str, size: int) -> int:
    with open(path, "rb") as f:
        f.seek(max(size - 8, 0))
        return struct.unpack("<I", f.read(4))[0]


def classify_orc(path: str, size: int) -> FileSchema:
    import pyarrow.orc as orc

    found = orc.ORCFile(path)
    columns = [(f.name, infer.arrow_type(f.type)) for f in found.schema]
    return FileSchema("orc", columns, "none", found.nrows,      # internal codec, as for Parquet
                      bytes_read=min(size, 16 * 1024))


def classify_avro(path: str, size: int) -> FileSchema:
    """The schema from the container header; the count from the block headers,
    seeking over the blocks' bytes."""
    with open(path, "rb") as f:
        if f.read(4) != b"Obj\x01":
            raise ValueError("not an Avro container")
        meta = {}
        while True:
            count = _read_long(f)
            if count == 0:
                break
            if count < 0:
                _read_long(f)
                count = -count
            for _ in range(count):
                key = f.read(_read_long(f)).decode()
                meta[key] = f.read(_read_long(f))
        f.read(16)                                   # sync marker
        header_end = f.tell()
        records, blocks = 0, 0
        while f.tell() < size:
            records += _read_long(f)
            f.seek(_read_long(f) + 16, io.SEEK_CUR)
            blocks += 1
    schema = json.loads(meta["avro.schema"])
    tree = infer.avro_type(schema)
    columns = tree[1] if isinstance(tree, tuple) and tree[0] == "struct" else [("col0", tree)]
    return FileSchema("avro", columns, "none", records,         # block codec is internal, as for Parquet
                      details={"avro.schema": meta["avro.schema"].decode()}, bytes_read=header_end + 20 * blocks)


def _read_long(f) -> int:
    value, shift = 0, 0
    while True:
        byte = f.read(1)
        if not byte:
            raise ValueError("truncated Avro file")
        value |= (byte[0] & 0x7F) << shift
        if not byte[0] & 0x80:
            return (value >> 1) ^ -(value & 1)
        shift += 7


# ---------------------------------------------------------------------------
# Text files


def sample_lines(data: bytes, complete: bool) -> list[str]:
    text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if not complete and lines:
        lines = lines[:-1]           # the last line was cut by the sample's end
    return [line for line in lines if line.strip()][:MAX_SAMPLE_LINES]


def classify_json(lines: list[str]) -> FileSchema | None:
    """JSON lines: one object per line, their schemas merged."""
    merged, count = [], 0
    for line in lines:
        try:
            document = json.loads(line)
        except ValueError:
            return None
        if not isinstance(document, dict):
            return None
        merged = infer.merge_columns(merged, infer.json_type(document)[1])
        count += 1
    if not count:
        return None
    return FileSchema("json", [(name, infer.finish(t)) for name, t in merged], records=count)


def classify_json_document(data: bytes, complete: bool) -> FileSchema | None:
    """A whole file that is one JSON document: an object spread over lines is one
    record; a top-level array is, as Glue's built-in classifier reads it, one record
    with a single column named `array` (a JSON classifier with `$[*]` reads its items)."""
    if not complete:
        return None
    try:
        document = json.loads(data.decode("utf-8", errors="strict").lstrip("\ufeff"))
    except ValueError:
        return None
    if isinstance(document, dict):
        return FileSchema("json", [(n, infer.finish(t)) for n, t in infer.json_type(document)[1]], records=1)
    if isinstance(document, list) and document:
        return FileSchema("json", [("array", infer.finish(infer.json_type(document)))], records=1)
    return None


def classify_csv(lines: list[str]) -> FileSchema | None:
    """Glue's CSV rules: a delimiter giving every sampled row the same number (two or
    more) of columns; a header when every cell of the first row is a string that can
    name a column and some later cell is not a string."""
    if len(lines) < 2:
        return None
    for delimiter in CSV_DELIMITERS:
        if delimiter not in lines[0]:
            continue
        rows = list(csv.reader(lines, delimiter=delimiter, quotechar='"'))
        widths = {len(row) for row in rows}
        if len(widths) != 1 or widths.pop() < 2:
            continue
        return _csv_schema(rows, delimiter, quoted=any(line.lstrip().startswith('"') or f'{delimiter}"' in line
                                                       for line in lines))
    return None


def _csv_schema(rows, delimiter, quoted) -> FileSchema:
    first, data = rows[0], rows[1:]
    types = [None] * len(first)
    for row in data:
        for i, cell in enumerate(row):
            types[i] = infer.widen(types[i], infer.text_type(cell))
    header = (all(infer.text_type(cell) == "string" and _COLUMN_NAME.fullmatch(cell) for cell in first)
              and all(len(cell) < HEADER_CELL_MAX for cell in first[:-1])
              and any(t not in (None, "string") for t in types))
    if header:
        names = [cell.strip().lower() for cell in first]
    else:
        names = [f"col{i}" for i in range(len(first))]
        for i, cell in enumerate(first):
            types[i] = infer.widen(types[i], infer.text_type(cell))
    columns = [(name, infer.finish(t)) for name, t in zip(names, types)]
    return FileSchema("csv", columns, records=len(data) if header else len(rows),
                      details={"delimiter": delimiter, "header": header, "quoted": quoted})


# Log formats Glue's built-in grok classifiers know, by the classification they give.
BUILT_IN_LOGS = [("combined_apache", "%{COMBINEDAPACHELOG}"), ("apache", "%{COMMONAPACHELOG}"),
                 ("syslog", "%{SYSLOGLINE}")]


def classify_log(lines: list[str]) -> FileSchema | None:
    if not lines:
        return None
    for name, pattern in BUILT_IN_LOGS:
        regex, fields = _compiled_log(pattern)
        if all(regex.fullmatch(line) for line in lines):
            return FileSchema(name, list(fields), records=len(lines), details={"pattern": pattern})
    return None


@functools.lru_cache(maxsize=None)
def _compiled_log(pattern: str):
    regex, fields = grok.compile_grok(pattern)
    return regex, tuple(fields)


def classify_xml(data: bytes, complete: bool) -> FileSchema | None:
    """An XML document: its rows are the most common element under the root, and the
    row tag is kept for the SerDe (only whole files: a cut document does not parse)."""
    if not complete or not data.lstrip().startswith(b"<"):
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    tags = Counter(child.tag for child in root)
    if not tags:
        return None
    tag = tags.most_common(1)[0][0]
    columns = []
    for row in root.iter(tag):
        columns = infer.merge_columns(columns, xml_columns(row))
    return FileSchema("xml", [(n, infer.finish(t)) for n, t in columns], records=tags[tag], details={"rowTag": tag})


def xml_columns(element) -> list:
    """An XML row's attributes and children as columns (children with their own
    children or attributes as structs)."""
    columns = [(name, infer.text_type(value) or "string") for name, value in element.attrib.items()]
    for child in element:
        if len(child) or child.attrib:
            columns.append((child.tag, ("struct", xml_columns(child))))
        else:
            columns.append((child.tag, infer.text_type((child.text or "").strip())))
    return columns


# ---------------------------------------------------------------------------
# One file


def classify_file(path: str, size: int, custom=()) -> FileSchema:
    """The schema of the file at `path`: custom classifiers first (in the crawler's
    order; a certainty of 1.0 wins, else the highest above 0), then the built-ins."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
        if head.startswith(b"PAR1"):
            return classify_parquet(path, size)
        if head.startswith(b"ORC"):
            return classify_orc(path, size)
        if head.startswith(b"Obj\x01"):
            return classify_avro(path, size)
        compression = sniff_compression(head)
        try:
            data, complete, consumed = read_sample(path, compression, size)
        except OSError:
            if compression != "snappy":
                raise
            compression = "none"     # it only looked like Hadoop snappy blocks
            data, complete, consumed = read_sample(path, compression, size)
        lines = sample_lines(data, complete)
        # built-ins in the order of Glue's table: the log formats before CSV, the last
        # (a combined Apache line whose user agent holds ';' is a log, not a ';' CSV)
        found = _best_custom(custom, data, lines) or classify_json(lines) \
            or classify_json_document(data, complete) or classify_xml(data, complete) or classify_log(lines) \
            or classify_csv(lines) or FileSchema("UNKNOWN")
        found.compression = compression
        found.bytes_read = consumed
        if not complete and found.records and consumed:
            found.records = int(found.records * size / consumed)      # scale the sample to the file
        return found
    except Exception as failed:      # a corrupt file is recorded and the crawl goes on
        return FileSchema("UNKNOWN", error=f"{type(failed).__name__}: {failed}")


def _best_custom(custom, data: bytes, lines: list[str]) -> FileSchema | None:
    best, best_certainty = None, 0.0
    for classifier in custom:
        certainty, found = classifier(data, lines)
        if certainty >= 1.0:
            return found
        if certainty > best_certainty:
            best, best_certainty = found, certainty
    return best
