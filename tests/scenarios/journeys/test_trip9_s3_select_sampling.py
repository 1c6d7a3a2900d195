"""An analyst samples a partner's exports in place with S3 Select before loading them: a
GZIP CSV with a header and quoted fields (filtered by name, LIKE, CAST, LIMIT, counted and
summed once cast, first with the SUM S3 refuses on a string field), the same rows read by
position with the header ignored, JSON Lines events with nested paths, a JSON document's
array, a Parquet file's typed columns, a plain CSV split into two ScanRanges for two
workers, and the events of the answer (Records, Progress when asked, Stats, End)."""
import gzip
import io
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

ORDERS = (b'order_id,customer,city,amount\n'
          b'1,"Smith, Jo",Paris,10.50\n'
          b'2,Ann,"New ""North"" York",3\n'
          b'3,Bob,Paris,7.25\n'
          b'4,Zoe,Lyon,12\n')
EVENTS = (b'{"id": 1, "user": {"name": "ana", "tags": ["new", "eu"]}, "total": 12.5}\n'
          b'{"id": 2, "user": {"name": "bo", "tags": []}, "total": null}\n'
          b'{"id": 3, "user": {"name": "cy"}}\n')


def select(s3, bucket, key, sql, given, wanted=None, **extra) -> tuple[bytes, list]:
    """(the Records payloads joined, the kinds of the events in order, Stats and Progress
    as (kind, details))."""
    answer = s3.select_object_content(Bucket=bucket, Key=key, Expression=sql, ExpressionType="SQL",
                                      InputSerialization=given, OutputSerialization=wanted or {"JSON": {}}, **extra)
    records, events = b"", []
    for event in answer["Payload"]:
        [(kind, body)] = event.items()
        if kind == "Records":
            records += body["Payload"]
            if not events or events[-1] != "Records":
                events.append("Records")
        elif kind in ("Stats", "Progress"):
            events.append((kind, body["Details"]))
        else:
            events.append(kind)
    return records, events


def rows(payload: bytes) -> list:
    return [json.loads(line) for line in payload.decode().splitlines()]


def refused(s3, bucket, key, sql, given) -> tuple:
    with pytest.raises(ClientError) as caught:
        select(s3, bucket, key, sql, given)
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_sampling_exports_in_place(client, bucket):
    s3 = client("s3")
    packed = gzip.compress(ORDERS)
    s3.put_object(Bucket=bucket, Key="in/orders.csv.gz", Body=packed)
    with_header = {"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": "GZIP"}

    found, events = select(s3, bucket, "in/orders.csv.gz",
                           "SELECT s.customer, s.city FROM S3Object s WHERE s.city = 'Paris'", with_header)
    assert rows(found) == [{"customer": "Smith, Jo", "city": "Paris"}, {"customer": "Bob", "city": "Paris"}]
    assert events == ["Records", ("Stats", {"BytesScanned": len(packed), "BytesProcessed": len(ORDERS),
                                            "BytesReturned": len(found)}), "End"]
    as_csv, _ = select(s3, bucket, "in/orders.csv.gz",
                       "SELECT s.order_id, s.city FROM S3Object s WHERE s.city LIKE '%York%' OR s.customer LIKE 'Z%'",
                       with_header, {"CSV": {}})
    assert as_csv == b'2,"New ""North"" York"\n4,Lyon\n'
    first, _ = select(s3, bucket, "in/orders.csv.gz", "SELECT s.customer FROM S3Object s LIMIT 2", with_header,
                      {"CSV": {}})
    assert first == b'"Smith, Jo"\nAnn\n'
    big, _ = select(s3, bucket, "in/orders.csv.gz",
                    "SELECT s.order_id FROM S3Object s WHERE CAST(s.amount AS FLOAT) > 7.5", with_header, {"CSV": {}})
    assert big == b"1\n4\n"
    totals, _ = select(s3, bucket, "in/orders.csv.gz",
                       "SELECT COUNT(*) AS n, SUM(CAST(s.amount AS FLOAT)) AS total, MAX(CAST(s.order_id AS INT)) "
                       "FROM S3Object s", with_header)
    assert rows(totals) == [{"n": 4, "total": 32.75, "_3": 4}]
    assert refused(s3, bucket, "in/orders.csv.gz", "SELECT AVG(s.amount) FROM S3Object s", with_header) == (
        "ExternalEvalException", "The query cannot be evaluated. Check the file and try again.", 400)
    assert refused(s3, bucket, "in/orders.csv.gz", "SELECT SUM(s.amount) FROM S3Object s", with_header)[0] == \
        "ExternalEvalException"

    by_position, _ = select(s3, bucket, "in/orders.csv.gz", "SELECT s._2, s._4 FROM S3Object s WHERE s._1 = '3'",
                            {"CSV": {"FileHeaderInfo": "IGNORE"}, "CompressionType": "GZIP"})
    assert rows(by_position) == [{"_2": "Bob", "_4": "7.25"}]
    raw, _ = select(s3, bucket, "in/orders.csv.gz", "SELECT s._1 FROM S3Object s LIMIT 2",
                    {"CSV": {}, "CompressionType": "GZIP"}, {"CSV": {}})
    assert raw == b"order_id\n1\n"

    s3.put_object(Bucket=bucket, Key="in/events.jsonl", Body=EVENTS)
    lines = {"JSON": {"Type": "LINES"}}
    nested, _ = select(s3, bucket, "in/events.jsonl",
                       "SELECT s.id, s.user.name AS who, s.user.tags[0] AS first_tag FROM S3Object s", lines)
    assert rows(nested) == [{"id": 1, "who": "ana", "first_tag": "new"}, {"id": 2, "who": "bo"}, {"id": 3, "who": "cy"}]
    missing, _ = select(s3, bucket, "in/events.jsonl", "SELECT s.id FROM S3Object s WHERE s.total IS MISSING", lines)
    assert rows(missing) == [{"id": 3}]
    whole, _ = select(s3, bucket, "in/events.jsonl", "SELECT * FROM S3Object s WHERE s.total IS NULL", lines)
    assert rows(whole) == [{"id": 2, "user": {"name": "bo", "tags": []}, "total": None},
                           {"id": 3, "user": {"name": "cy"}}]

    s3.put_object(Bucket=bucket, Key="in/batch.json", Body=json.dumps(
        {"batch": 7, "rows": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 5}]}).encode())
    items, _ = select(s3, bucket, "in/batch.json", "SELECT r.sku FROM S3Object[*].rows[*] r WHERE r.qty > 3",
                      {"JSON": {"Type": "DOCUMENT"}})
    assert rows(items) == [{"sku": "B-2"}]

    table = pa.table({"sku": ["A-1", "B-2", "C-3"], "qty": pa.array([2, 5, 1], pa.int64()),
                      "price": [1.5, 2.0, 10.0]})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    s3.put_object(Bucket=bucket, Key="in/stock.parquet", Body=sink.getvalue())
    stock, _ = select(s3, bucket, "in/stock.parquet",
                      "SELECT SUM(s.qty) AS units, MAX(s.price) AS top FROM S3Object s WHERE s.sku <> 'C-3'",
                      {"Parquet": {}})
    assert rows(stock) == [{"units": 7, "top": 2.0}]

    s3.put_object(Bucket=bucket, Key="in/orders.csv", Body=ORDERS)
    plain = {"CSV": {"FileHeaderInfo": "USE"}}
    middle = ORDERS.index(b"2,Ann")
    halves = [select(s3, bucket, "in/orders.csv", "SELECT s.order_id FROM S3Object s", plain, {"CSV": {}},
                     ScanRange=scan)[0] for scan in ({"Start": 0, "End": middle + 3}, {"Start": middle + 3})]
    assert halves == [b"1\n2\n", b"3\n4\n"]
    _, events = select(s3, bucket, "in/orders.csv", "SELECT COUNT(*) FROM S3Object s", plain,
                       RequestProgress={"Enabled": True})
    assert [e if isinstance(e, str) else e[0] for e in events] == ["Records", "Progress", "Stats", "End"]
    assert events[1][1]["BytesScanned"] == events[2][1]["BytesScanned"] == len(ORDERS)

    assert refused(s3, bucket, "in/orders.csv", "SELECT s.order_id FROM S3Object s WHERE", plain) == (
        "ParseUnexpectedToken", "The SQL expression contains an unexpected token.", 400)
    assert refused(s3, bucket, "in/orders.csv", "SELECT t.order_id FROM S3Object s", plain) == (
        "InvalidTableAlias", "The SQL expression contains a table alias that is not valid.", 400)
