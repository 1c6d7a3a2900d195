"""Built-in classifiers on files: formats, compression by content, CSV's header rule,
type inference and widening."""
import bz2
import gzip
import io
import json

import pyarrow as pa
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest

from lakebox.services.glue import classify, infer


def classified(tmp_path, data: bytes, name="f"):
    path = tmp_path / name
    path.write_bytes(data)
    return classify.classify_file(str(path), len(data))


CSV = b"id,price,name,flag\n1,2.5,a,true\n2,3,b,false\n"


@pytest.mark.parametrize("compress, name", [
    (lambda b: b, "none"), (gzip.compress, "gzip"), (bz2.compress, "bzip2"),
    (lambda b: pa.compress(b, "zstd", asbytes=True), "zstd")])
def test_compression_is_read_from_content(tmp_path, compress, name):
    found = classified(tmp_path, compress(CSV), "data.bin")
    assert (found.classification, found.compression) == ("csv", name)
    assert found.columns == [("id", "bigint"), ("price", "double"), ("name", "string"), ("flag", "boolean")]
    assert found.details["header"] is True
    assert found.records == 2


def test_hadoop_snappy_blocks(tmp_path):
    raw = pa.compress(CSV, "snappy", asbytes=True)
    block = len(CSV).to_bytes(4, "big") + len(raw).to_bytes(4, "big") + raw
    found = classified(tmp_path, block)
    assert (found.classification, found.compression) == ("csv", "snappy")


def test_header_needs_a_non_string_data_cell(tmp_path):
    found = classified(tmp_path, b"name,city\nann,paris\nbob,rome\n")
    assert found.details["header"] is False
    assert found.columns == [("col0", "string"), ("col1", "string")]
    assert found.records == 3


def test_header_cells_must_be_strings(tmp_path):
    found = classified(tmp_path, b"1,2\n3,4\n")
    assert found.details["header"] is False
    assert found.columns == [("col0", "bigint"), ("col1", "bigint")]


@pytest.mark.parametrize("delimiter", ["\t", "|", ";"])
def test_other_delimiters(tmp_path, delimiter):
    text = f"a{delimiter}b\n1{delimiter}x\n2{delimiter}y\n".encode()
    found = classified(tmp_path, text)
    assert found.details["delimiter"] == delimiter
    assert found.columns == [("a", "bigint"), ("b", "string")]


def test_inconsistent_rows_are_not_csv(tmp_path):
    assert classified(tmp_path, b"a,b\n1,2,3\n").classification == "UNKNOWN"


def test_json_lines_merge_and_widen(tmp_path):
    lines = [{"a": 1, "b": [1]}, {"a": 2.5, "b": [2.5], "c": {"x": True}}, {"a": None, "c": {"y": "s"}}]
    found = classified(tmp_path, "\n".join(json.dumps(x) for x in lines).encode())
    assert [(n, infer.hive(t)) for n, t in found.columns] == [
        ("a", "double"), ("b", "array<double>"), ("c", "struct<x:boolean,y:string>")]


def test_parquet_and_orc_schemas(tmp_path):
    table = pa.table({"i": pa.array([1], pa.int32()), "d": pa.array([1.0]), "day": pa.array([0], pa.date32()),
                      "m": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64()))})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    found = classified(tmp_path, sink.getvalue(), "p")
    assert [(n, infer.hive(t)) for n, t in found.columns] == [
        ("i", "int"), ("d", "double"), ("day", "date"), ("m", "map<string,bigint>")]
    assert (found.classification, found.records, found.compression) == ("parquet", 1, "none")     # snappy pages inside
    assert found.bytes_read < len(sink.getvalue())
    orc_path = tmp_path / "o"
    orc.write_table(table.drop_columns(["m"]), str(orc_path))
    found = classify.classify_file(str(orc_path), orc_path.stat().st_size)
    assert (found.classification, found.records, found.compression) == ("orc", 1, "none")


def _avro_long(n):
    n = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def test_avro_header_and_block_count(tmp_path):
    schema = json.dumps({"type": "record", "name": "r", "fields": [
        {"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"]},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}}]}).encode()
    sync = b"S" * 16
    header = b"Obj\x01" + _avro_long(1) + _avro_long(11) + b"avro.schema" + _avro_long(len(schema)) + schema
    header += _avro_long(0) + sync
    body = b"\x00" * 10
    block = _avro_long(3) + _avro_long(len(body)) + body + sync
    found = classified(tmp_path, header + block + block)
    assert found.classification == "avro"
    assert found.records == 6
    assert found.columns == [("id", "bigint"), ("name", "string"), ("at", "timestamp")]


def test_corrupt_files_are_reported_not_raised(tmp_path):
    found = classified(tmp_path, b"PAR1 garbage")
    assert found.classification == "UNKNOWN" and found.error


def test_widening():
    assert infer.widen("bigint", "double") == "double"
    assert infer.widen("bigint", "string") == "string"
    assert infer.widen("date", "timestamp") == "timestamp"
    assert infer.widen(("array", "bigint"), ("array", "double")) == ("array", "double")
    assert infer.widen(("array", "bigint"), "bigint") == "string"


def test_xml_rows_are_the_most_common_element(tmp_path):
    doc = b"<orders><order id='1'><total>9.5</total><who><name>ann</name></who></order>" \
          b"<order id='2'><total>3</total></order><meta/></orders>"
    found = classified(tmp_path, doc)
    assert (found.classification, found.details["rowTag"], found.records) == ("xml", "order", 2)
    assert [(n, infer.hive(t)) for n, t in found.columns] == [
        ("id", "bigint"), ("total", "double"), ("who", "struct<name:string>")]


def test_syslog_and_apache(tmp_path):
    syslog = b"Oct 11 22:14:15 myhost sshd[4321]: Accepted publickey for ann\n" \
             b"Oct 11 22:14:16 myhost cron: job done\n"
    found = classified(tmp_path, syslog, "s")
    assert found.classification == "syslog"
    assert [n for n, _ in found.columns] == ["timestamp", "logsource", "program", "pid", "message"]
    apache = b'127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n'
    assert classified(tmp_path, apache * 2, "a").classification == "apache"


def test_json_integers_are_int_until_one_needs_64_bits(tmp_path):
    lines = [{"small": 1, "big": 1, "huge": 1}, {"small": -2147483648, "big": 2147483648, "huge": 1 << 64}]
    found = classified(tmp_path, "\n".join(json.dumps(x) for x in lines).encode())
    assert [(n, infer.hive(t)) for n, t in found.columns] == [("small", "int"), ("big", "bigint"), ("huge", "double")]


def test_json_documents_across_lines(tmp_path):
    found = classified(tmp_path, b'{\n  "a": 1,\n  "b": {"c": "x"}\n}\n')
    assert [(n, infer.hive(t)) for n, t in found.columns] == [("a", "int"), ("b", "struct<c:string>")]
    found = classified(tmp_path, b'[{"a": 1},\n {"a": 2, "b": true}]')
    assert [(n, infer.hive(t)) for n, t in found.columns] == [("array", "array<struct<a:int,b:boolean>>")]
