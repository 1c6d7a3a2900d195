"""S3 Select (SelectObjectContent) as boto3 users read it: the EventStream's Records,
Stats and End events, over CSV, JSON and Parquet objects, compressed or not, and
S3's errors (API reference, SelectObjectContent; User Guide, "Filtering and retrieving
data using Amazon S3 Select" and "SQL reference for Amazon S3 Select")."""
import bz2
import gzip
import io
import json
import os

import boto3
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from botocore.exceptions import ClientError

from aws_cli import run_cli
from journey_helpers import KEY, REGION, SECRET
from s3_helpers import admit_customer_keys, create_bucket, remove_bucket

PEOPLE = (b"name,age,city\n"
          b"Alice,30,Paris\n"
          b"Bob,25,\"New, York\"\n"
          b"# a comment line\n"
          b"Carol,41,Rome\n")
EVENTS = (b'{"id":1,"user":{"name":"ann","tags":["a","b"]},"amount":12.5,"ok":true}\n'
          b'{"id":2,"user":{"name":"ben","tags":["c"]},"amount":7,"ok":false}\n'
          b'{"id":3,"user":{"name":"cy","tags":[]},"amount":30,"ok":true}\n')


@pytest.fixture(scope="module")
def bucket(s3):
    name = create_bucket(s3, "select", digits=12)
    yield name
    remove_bucket(s3, name)


def select(s3, bucket, key, expression, input_serialization, output=None, **extra) -> dict:
    """The events of one SelectObjectContent, read as users read them: Records payloads
    joined, Stats and Progress details, and whether End came."""
    answer = s3.select_object_content(Bucket=bucket, Key=key, Expression=expression, ExpressionType="SQL",
                                      InputSerialization=input_serialization,
                                      OutputSerialization=output or {"JSON": {}}, **extra)
    seen = {"records": b"", "record_events": 0, "end": False}
    for event in answer["Payload"]:
        if "Records" in event:
            seen["records"] += event["Records"]["Payload"]
            seen["record_events"] += 1
        elif "Stats" in event:
            seen["stats"] = event["Stats"]["Details"]
        elif "Progress" in event:
            seen["progress"] = event["Progress"]["Details"]
        elif "End" in event:
            seen["end"] = True
    return seen


def json_rows(seen) -> list:
    return [json.loads(line) for line in seen["records"].decode().splitlines()]


def failure(call, *args, **kwargs) -> tuple:
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error["Message"], raised.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture(scope="module")
def people(s3, bucket):
    s3.put_object(Bucket=bucket, Key="people.csv", Body=PEOPLE)
    return "people.csv"


@pytest.fixture(scope="module")
def events(s3, bucket):
    s3.put_object(Bucket=bucket, Key="events.json", Body=EVENTS)
    return "events.json"


# ---- CSV ------------------------------------------------------------------------------

def test_csv_with_header_gives_records_named_by_it(s3, bucket, people):
    seen = select(s3, bucket, people, "SELECT * FROM s3object s", {"CSV": {"FileHeaderInfo": "USE"}})
    assert json_rows(seen) == [{"name": "Alice", "age": "30", "city": "Paris"},
                               {"name": "Bob", "age": "25", "city": "New, York"},
                               {"name": "Carol", "age": "41", "city": "Rome"}]
    assert seen["end"] is True
    assert seen["stats"] == {"BytesScanned": len(PEOPLE), "BytesProcessed": len(PEOPLE),
                             "BytesReturned": len(seen["records"])}


def test_csv_where_by_header_name_and_position_with_csv_output(s3, bucket, people):
    seen = select(s3, bucket, people, 'SELECT s."name", s._3 FROM S3Object s WHERE s.age > 26',
                  {"CSV": {"FileHeaderInfo": "USE"}}, {"CSV": {}})
    assert seen["records"] == b"Alice,Paris\nCarol,Rome\n"
    quoted = select(s3, bucket, people, "SELECT s.name, s.city FROM S3Object s WHERE s.name = 'Bob'",
                    {"CSV": {"FileHeaderInfo": "USE"}}, {"CSV": {}})
    assert quoted["records"] == b'Bob,"New, York"\n'


def test_csv_output_delimiters_and_quote_always(s3, bucket, people):
    seen = select(s3, bucket, people, "SELECT s._1, s._2 FROM s3object s LIMIT 2",
                  {"CSV": {"FileHeaderInfo": "IGNORE"}},
                  {"CSV": {"QuoteFields": "ALWAYS", "FieldDelimiter": ";", "RecordDelimiter": "|"}})
    assert seen["records"] == b'"Alice";"30"|"Bob";"25"|'


def test_csv_input_delimiters_quotes_and_comments(s3, bucket):
    body = b"a|'x|y'|1;%skipped|no|2;b|'it''s'|3;"
    s3.put_object(Bucket=bucket, Key="odd.csv", Body=body)
    seen = select(s3, bucket, "odd.csv", "SELECT s._1, s._2 FROM s3object s",
                  {"CSV": {"FieldDelimiter": "|", "RecordDelimiter": ";", "QuoteCharacter": "'",
                           "QuoteEscapeCharacter": "'", "Comments": "%"}})
    assert json_rows(seen) == [{"_1": "a", "_2": "x|y"}, {"_1": "b", "_2": "it's"}]


def test_a_line_break_is_data_under_another_record_delimiter(s3, bucket):
    """With records delimited by a tab, a newline is a character of its field: the first
    record here is `Year,Make,Model\\n1997,Ford,E350` (S3's answer as MinIO's
    s3select_testing suite, run against S3, records it: TestCsv_RecordDelimiter)."""
    s3.put_object(Bucket=bucket, Key="tabbed.csv", Body=b"Year,Make,Model\n1997,Ford,E350\t2000,Mercury,Cougar\t")
    ignored = select(s3, bucket, "tabbed.csv", "SELECT s._1 FROM s3object s",
                     {"CSV": {"RecordDelimiter": "\t", "FileHeaderInfo": "IGNORE"}}, {"CSV": {}})
    assert ignored["records"] == b"2000\n"
    whole = select(s3, bucket, "tabbed.csv", "SELECT s._3 FROM s3object s", {"CSV": {"RecordDelimiter": "\t"}})
    assert json_rows(whole) == [{"_3": "Model\n1997"}, {"_3": "Cougar"}]


def test_csv_quoted_record_delimiter_allowed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="multiline.csv", Body=b'id,note\n1,"two\nlines"\n2,plain\n')
    seen = select(s3, bucket, "multiline.csv", "SELECT * FROM s3object s",
                  {"CSV": {"FileHeaderInfo": "USE", "AllowQuotedRecordDelimiter": True}})
    assert json_rows(seen) == [{"id": "1", "note": "two\nlines"}, {"id": "2", "note": "plain"}]


def test_csv_records_of_different_widths(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ragged.csv", Body=b"a,b\nc\nd,e,f\n")
    seen = select(s3, bucket, "ragged.csv", "SELECT * FROM s3object s", {"CSV": {}})
    assert json_rows(seen) == [{"_1": "a", "_2": "b"}, {"_1": "c"}, {"_1": "d", "_2": "e", "_3": "f"}]
    s3.put_object(Bucket=bucket, Key="empty.csv", Body=b"")
    s3.put_object(Bucket=bucket, Key="header-only.csv", Body=b"x,y\n")
    for key in ("empty.csv", "header-only.csv"):
        assert select(s3, bucket, key, "SELECT * FROM s3object s", {"CSV": {"FileHeaderInfo": "USE"}})["records"] == b""


def test_aggregates_and_limit(s3, bucket, people):
    seen = select(s3, bucket, people,
                  "SELECT COUNT(*), SUM(CAST(s.age AS INT)), AVG(CAST(s.age AS FLOAT)), MIN(s.name), "
                  "MAX(CAST(s.age AS INT)) FROM s3object s", {"CSV": {"FileHeaderInfo": "USE"}}, {"CSV": {}})
    assert seen["records"] == b"3,96,32.0,Alice,41\n"
    limited = select(s3, bucket, people, "SELECT s.name FROM s3object s LIMIT 1",
                     {"CSV": {"FileHeaderInfo": "USE"}}, {"CSV": {}})
    assert limited["records"] == b"Alice\n"


def test_string_and_date_functions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="dates.csv", Body=b"  Mixed Case  ,2020-03-15T10:30:00Z\n")
    seen = select(
        s3, bucket, "dates.csv",
        "SELECT LOWER(TRIM(s._1)), UPPER(s._1), CHAR_LENGTH(TRIM(BOTH FROM s._1)), "
        "SUBSTRING(TRIM(s._1), 1, 5), EXTRACT(YEAR FROM TO_TIMESTAMP(s._2)), "
        "DATE_DIFF(day, TO_TIMESTAMP(s._2), DATE_ADD(day, 10, TO_TIMESTAMP(s._2))), "
        "TO_STRING(TO_TIMESTAMP(s._2), 'yyyy-MM-dd'), COALESCE(NULLIF(s._1, s._1), 'none') FROM s3object s",
        {"CSV": {}}, {"CSV": {}})
    assert seen["records"] == b"mixed case,  MIXED CASE  ,10,Mixed,2020,10,2020-03-15,none\n"


def test_timestamps_of_a_year_a_month_or_a_day(s3, bucket):
    stamps = b"2007T\n2007-02T\n2007-02-23T\n2007-02-23T12:14:33.079-08:00\n"
    s3.put_object(Bucket=bucket, Key="stamps.csv", Body=stamps)
    seen = select(s3, bucket, "stamps.csv", "SELECT EXTRACT(MONTH FROM TO_TIMESTAMP(s._1)), "
                  "EXTRACT(DAY FROM TO_TIMESTAMP(s._1)) FROM s3object s", {"CSV": {}}, {"CSV": {}})
    assert seen["records"] == b"1,1\n2,1\n2,23\n2,23\n"


def test_like_in_between_and_case(s3, bucket, people):
    seen = select(s3, bucket, people,
                  "SELECT s.name, CASE WHEN CAST(s.age AS INT) >= 30 THEN 'senior' ELSE 'junior' END AS band "
                  "FROM s3object s WHERE s.name LIKE '%o%' OR s.city IN ('Paris') OR s.age BETWEEN 40 AND 50",
                  {"CSV": {"FileHeaderInfo": "USE"}})
    assert json_rows(seen) == [{"name": "Alice", "band": "senior"}, {"name": "Bob", "band": "junior"},
                               {"name": "Carol", "band": "senior"}]


# ---- JSON -----------------------------------------------------------------------------

def test_json_lines_star_keeps_each_record(s3, bucket, events):
    seen = select(s3, bucket, events, "SELECT * FROM s3object s WHERE s.amount > 10", {"JSON": {"Type": "LINES"}})
    assert json_rows(seen) == [json.loads(line) for line in EVENTS.splitlines() if json.loads(line)["amount"] > 10]


def test_json_paths_and_missing_values(s3, bucket, events):
    seen = select(s3, bucket, events,
                  "SELECT s.id, s.user.name, s.user.tags[0] AS first_tag FROM s3object s WHERE s.ok = true",
                  {"JSON": {"Type": "LINES"}})
    assert json_rows(seen) == [{"id": 1, "name": "ann", "first_tag": "a"}, {"id": 3, "name": "cy"}]


def test_a_json_null_is_null_but_never_missing(s3, bucket):
    """MISSING is a value absent from the record; a JSON null is present: IS NULL holds
    for both, IS MISSING for the absent one only (PartiQL's MISSING, S3 Select's SQL)."""
    s3.put_object(Bucket=bucket, Key="nulls.json", Body=b'{"id":1,"v":null}\n{"id":2}\n{"id":3,"v":5}\n')
    lines = {"JSON": {"Type": "LINES"}}
    assert json_rows(select(s3, bucket, "nulls.json", "SELECT s.id FROM s3object s WHERE s.v IS MISSING", lines)) == \
        [{"id": 2}]
    assert json_rows(select(s3, bucket, "nulls.json", "SELECT s.id FROM s3object s WHERE s.v IS NOT MISSING",
                            lines)) == [{"id": 1}, {"id": 3}]
    assert json_rows(select(s3, bucket, "nulls.json", "SELECT s.id FROM s3object s WHERE s.v IS NULL", lines)) == \
        [{"id": 1}, {"id": 2}]


def test_sum_and_avg_refuse_a_csv_field_not_cast(s3, bucket, people):
    """A CSV field is a string, and SUM and AVG take numbers (SQL reference, "Aggregate
    functions"): S3 answers ExternalEvalException (as a suite run against S3 and MinIO
    records it) until the field is CAST."""
    header = {"CSV": {"FileHeaderInfo": "USE", "Comments": "#"}}
    for function in ("SUM", "AVG"):
        assert failure(s3.select_object_content, Bucket=bucket, Key=people, ExpressionType="SQL",
                       Expression=f"SELECT {function}(s.age) FROM s3object s", InputSerialization=header,
                       OutputSerialization={"CSV": {}}) == (
            "ExternalEvalException", "The query cannot be evaluated. Check the file and try again.", 400)
    assert select(s3, bucket, people, "SELECT SUM(CAST(s.age AS INT)) FROM s3object s", header,
                  {"CSV": {}})["records"] == b"96\n"


def test_json_values_of_mixed_types_compare_with_numbers_and_strings(s3, bucket):
    s3.put_object(Bucket=bucket, Key="mixed.json", Body=b'{"v":5}\n{"v":"five"}\n{"v":[5]}\n{"v":7.5}\n')
    numbers = select(s3, bucket, "mixed.json", "SELECT s.v FROM s3object s WHERE s.v > 4", {"JSON": {"Type": "LINES"}})
    assert json_rows(numbers) == [{"v": 5}, {"v": 7.5}]
    words = select(s3, bucket, "mixed.json", "SELECT s.v FROM s3object s WHERE s.v = 'five'",
                   {"JSON": {"Type": "LINES"}})
    assert json_rows(words) == [{"v": "five"}]
    upper = select(s3, bucket, "mixed.json", "SELECT UPPER(s.v) AS u FROM s3object s WHERE s.v LIKE 'f%'",
                   {"JSON": {"Type": "LINES"}})
    assert json_rows(upper) == [{"u": "FIVE"}]


def test_json_document_with_a_path_in_from(s3, bucket):
    document = {"Records": [{"k": "a", "v": 1}, {"k": "b", "v": 2}, {"k": "c", "v": 3}]}
    s3.put_object(Bucket=bucket, Key="doc.json", Body=json.dumps(document, indent=2).encode())
    seen = select(s3, bucket, "doc.json", "SELECT r.k FROM S3Object[*].Records[*] r WHERE r.v >= 2",
                  {"JSON": {"Type": "DOCUMENT"}}, {"CSV": {}})
    assert seen["records"] == b"b\nc\n"


@pytest.mark.parametrize("compression,pack", [("GZIP", gzip.compress), ("BZIP2", bz2.compress)])
def test_compressed_csv_and_json_lines(s3, bucket, compression, pack):
    s3.put_object(Bucket=bucket, Key=f"people.csv.{compression}", Body=pack(PEOPLE))
    s3.put_object(Bucket=bucket, Key=f"events.json.{compression}", Body=pack(EVENTS))
    seen = select(s3, bucket, f"people.csv.{compression}", "SELECT s.name FROM s3object s",
                  {"CSV": {"FileHeaderInfo": "USE"}, "CompressionType": compression}, {"CSV": {}})
    assert seen["records"] == b"Alice\nBob\nCarol\n"
    assert seen["stats"]["BytesScanned"] == len(pack(PEOPLE))
    assert seen["stats"]["BytesProcessed"] == len(PEOPLE)
    counted = select(s3, bucket, f"events.json.{compression}", "SELECT COUNT(*) FROM s3object s",
                     {"JSON": {"Type": "LINES"}, "CompressionType": compression})
    assert json_rows(counted) == [{"_1": 3}]


# ---- Parquet --------------------------------------------------------------------------

def test_parquet_typed_columns(s3, bucket):
    table = pa.table({"id": [1, 2, 3], "name": ["x", "y", "z"], "price": [1.25, 2.5, 10.0]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    s3.put_object(Bucket=bucket, Key="items.parquet", Body=buffer.getvalue())
    seen = select(s3, bucket, "items.parquet", "SELECT s.name, s.price FROM s3object s WHERE s.id >= 2",
                  {"Parquet": {}})
    assert json_rows(seen) == [{"name": "y", "price": 2.5}, {"name": "z", "price": 10.0}]
    total = select(s3, bucket, "items.parquet", "SELECT SUM(s.id) FROM s3object s", {"Parquet": {}}, {"CSV": {}})
    assert total["records"] == b"6\n"


# ---- the event stream -----------------------------------------------------------------

def test_progress_when_asked_and_large_results_in_several_records_events(s3, bucket):
    body = b"".join(b"%d,%s\n" % (i, b"x" * 50) for i in range(5000))
    s3.put_object(Bucket=bucket, Key="big.csv", Body=body)
    seen = select(s3, bucket, "big.csv", "SELECT * FROM s3object s", {"CSV": {}}, {"CSV": {}},
                  RequestProgress={"Enabled": True})
    assert seen["records"] == body
    assert seen["record_events"] > 1
    assert seen["progress"]["BytesScanned"] == len(body)
    assert seen["end"] is True


def test_scan_ranges_split_records_without_losing_or_repeating_any(s3, bucket):
    body = b"".join(b"%d,row-%d\n" % (i, i) for i in range(200))
    s3.put_object(Bucket=bucket, Key="ranged.csv", Body=body)
    middle = len(body) // 2
    halves = [select(s3, bucket, "ranged.csv", "SELECT s._1 FROM s3object s", {"CSV": {}}, {"CSV": {}},
                     ScanRange=scan_range)["records"]
              for scan_range in ({"Start": 0, "End": middle}, {"Start": middle + 1, "End": len(body)})]
    assert b"".join(halves) == b"".join(b"%d\n" % i for i in range(200))
    second = select(s3, bucket, "ranged.csv", "SELECT COUNT(*) FROM s3object s", {"CSV": {}}, {"CSV": {}},
                    ScanRange={"Start": len(body) - len(b"199,row-199\n")})
    assert (second["records"], second["stats"]["BytesScanned"]) == (b"1\n", len(b"199,row-199\n"))
    last = select(s3, bucket, "ranged.csv", "SELECT s._2 FROM s3object s", {"CSV": {}}, {"CSV": {}},
                  ScanRange={"End": len(b"199,row-199\n")})
    assert last["records"] == b"row-199\n"


def test_header_is_known_to_every_scan_range(s3, bucket, people):
    later = select(s3, bucket, people, "SELECT s.city FROM s3object s", {"CSV": {"FileHeaderInfo": "USE"}},
                   {"CSV": {}}, ScanRange={"Start": 20})
    assert later["records"] == b'"New, York"\nRome\n'


def test_json_lines_scan_range(s3, bucket, events):
    second = EVENTS.index(b'{"id":2')
    seen = select(s3, bucket, events, "SELECT s.id FROM s3object s", {"JSON": {"Type": "LINES"}},
                  ScanRange={"Start": 1, "End": second})
    assert json_rows(seen) == [{"id": 2}]


def test_parquet_scan_range_takes_the_row_groups_starting_in_it(s3, bucket):
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": list(range(40))}), buffer, row_group_size=10)
    s3.put_object(Bucket=bucket, Key="groups.parquet", Body=buffer.getvalue())
    groups = pq.ParquetFile(io.BytesIO(buffer.getvalue())).metadata
    second = groups.row_group(1).column(0)
    second_start = second.dictionary_page_offset if second.has_dictionary_page else second.data_page_offset
    first = select(s3, bucket, "groups.parquet", "SELECT COUNT(*) FROM s3object s", {"Parquet": {}}, {"CSV": {}},
                   ScanRange={"Start": 0, "End": second_start - 1})
    rest = select(s3, bucket, "groups.parquet", "SELECT COUNT(*) FROM s3object s", {"Parquet": {}}, {"CSV": {}},
                  ScanRange={"Start": second_start})
    assert (first["records"], rest["records"]) == (b"10\n", b"30\n")
    assert first["stats"]["BytesScanned"] == groups.row_group(0).column(0).total_compressed_size


# ---- encryption -----------------------------------------------------------------------

def test_encrypted_objects_read_as_get_reads_them(s3, bucket, lakebox_server):
    kms = lakebox_server.client("kms")
    key_arn = kms.create_key(Description="select")["KeyMetadata"]["Arn"]
    s3.put_object(Bucket=bucket, Key="kms.csv", Body=PEOPLE, ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    s3.put_object(Bucket=bucket, Key="s3.csv", Body=PEOPLE, ServerSideEncryption="AES256")
    customer = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": os.urandom(32)}
    admit_customer_keys(s3, bucket)
    s3.put_object(Bucket=bucket, Key="customer.csv", Body=PEOPLE, **customer)
    for key, extra in (("kms.csv", {}), ("s3.csv", {}), ("customer.csv", customer)):
        seen = select(s3, bucket, key, "SELECT COUNT(*) FROM s3object s", {"CSV": {"FileHeaderInfo": "USE"}},
                      {"CSV": {}}, **extra)
        assert seen["records"] == b"3\n"
    code, _, status = failure(s3.select_object_content, Bucket=bucket, Key="customer.csv",
                              Expression="SELECT * FROM s3object", ExpressionType="SQL",
                              InputSerialization={"CSV": {}}, OutputSerialization={"CSV": {}})
    assert (code, status) == (failure(s3.get_object, Bucket=bucket, Key="customer.csv")[0], 400)
    buffer = io.BytesIO()        # bigger than a row keeps: read from its sealed blob
    pq.write_table(pa.table({"n": list(range(5000)), "s": [f"v{i}" for i in range(5000)]}), buffer,
                   row_group_size=1000, compression="none")
    assert len(buffer.getvalue()) > 64 << 10
    s3.put_object(Bucket=bucket, Key="kms.parquet", Body=buffer.getvalue(), ServerSideEncryption="aws:kms",
                  SSEKMSKeyId=key_arn)
    s3.put_object(Bucket=bucket, Key="customer.parquet", Body=buffer.getvalue(), **customer)
    for key, extra in (("kms.parquet", {}), ("customer.parquet", customer)):
        seen = select(s3, bucket, key, "SELECT SUM(s.n), MAX(s.s) FROM s3object s", {"Parquet": {}}, {"CSV": {}},
                      **extra)
        assert seen["records"] == b"12497500,v999\n"
    kms.schedule_key_deletion(KeyId=key_arn, PendingWindowInDays=7)


# ---- errors ---------------------------------------------------------------------------

def bad_select(s3, bucket, key, expression="SELECT * FROM s3object s", input_serialization=None, **extra):
    return failure(s3.select_object_content, Bucket=bucket, Key=key, Expression=expression,
                   ExpressionType=extra.pop("ExpressionType", "SQL"),
                   InputSerialization=input_serialization or {"CSV": {}},
                   OutputSerialization=extra.pop("OutputSerialization", {"CSV": {}}), **extra)


def test_request_errors(s3, bucket, people):
    assert bad_select(s3, bucket, people, ExpressionType="XQUERY") == (
        "InvalidExpressionType", "The ExpressionType value is not valid. Only SQL expressions are supported.", 400)
    assert bad_select(s3, bucket, people, input_serialization={"CSV": {}, "JSON": {"Type": "LINES"}})[0] == \
        "ObjectSerializationConflict"
    assert bad_select(s3, bucket, people, input_serialization={"CSV": {}, "CompressionType": "ZIP"}) == (
        "InvalidCompressionFormat",
        "The file is not in a supported compression format. Only GZIP and BZIP2 are supported.", 400)
    assert bad_select(s3, bucket, people, input_serialization={"CSV": {"FileHeaderInfo": "FIRST"}})[0] == \
        "InvalidFileHeaderInfo"
    assert bad_select(s3, bucket, people, input_serialization={"CSV": {}, "CompressionType": "GZIP"},
                      ScanRange={"Start": 0, "End": 10}) == (
        "UnsupportedScanRangeInput", "Scan range queries are not supported on this type of object.", 400)
    assert bad_select(s3, bucket, "no-such.csv")[0] == "NoSuchKey"


def test_sql_errors(s3, bucket, people):
    assert bad_select(s3, bucket, people, "SELECT * FORM s3object") == (
        "ParseUnexpectedToken", "The SQL expression contains an unexpected token.", 400)
    assert bad_select(s3, bucket, people, "SELECT s.nope FROM s3object s",
                      {"CSV": {"FileHeaderInfo": "USE"}}) == (
        "MissingHeaders", "Some headers in the query are missing from the file. Check the file and try again.", 400)
    assert bad_select(s3, bucket, people, "SELECT *, s._1 FROM s3object s")[0] == \
        "ParseAsteriskIsNotAloneInSelectList"
    assert bad_select(s3, bucket, people, "SELECT s._1 FROM s3object s ORDER BY s._1") == (
        "UnsupportedSyntax", "We encountered syntax that is not valid.", 400)
    assert bad_select(s3, bucket, people, "SELECT CAST(s._1 AS INT) FROM s3object s") == (
        "CastFailed", "An attempt to convert from one data type to another using CAST failed in the SQL "
                      "expression.", 400)
    assert bad_select(s3, bucket, people, "SELECT MD5(s._1) FROM s3object s")[0] == "UnsupportedFunction"


def test_statements_s3_refuses_before_reading_them(s3, bucket, people):
    """S3's answers to malformed statements, as MinIO's s3select_testing suite (written to
    run against S3 and MinIO alike) records S3's: not a SELECT, a WHERE with no FROM, a
    FROM naming nothing, a FROM naming a number."""
    assert bad_select(s3, bucket, people, "abc hahaha") == (
        "ParseUnexpectedToken", "The SQL expression contains an unexpected token.", 400)
    assert bad_select(s3, bucket, people, "select abc where") == (
        "ParseSelectMissingFrom", "The SQL expression contains a missing FROM after the SELECT list.", 400)
    assert bad_select(s3, bucket, people, "select abc from") == (
        "ParseUnexpectedTerm", "The SQL expression contains an unexpected term.", 400)
    assert bad_select(s3, bucket, people, "select abc from 123") == (
        "InvalidDataSource", "The data source type is not valid. Only CSV, JSON, and Parquet are supported.", 400)
    # a column named where the header is ignored (TestCsv_SelectColumn_ColumnHeaders)
    for header in ("IGNORE", "NONE"):
        assert bad_select(s3, bucket, people, "Select name from S3Object", {"CSV": {"FileHeaderInfo": header}}) == (
            "InvalidColumnIndex", "The column index in the SQL expression is not valid.", 400)


def test_data_errors(s3, bucket, people):
    assert bad_select(s3, bucket, people, input_serialization={"CSV": {}, "CompressionType": "GZIP"}) == (
        "TruncatedInput", "Object decompression failed. Check that the object is properly compressed using the "
                          "format specified in the request.", 400)
    s3.put_object(Bucket=bucket, Key="broken.json", Body=b'{"a": 1}\n{"a": \n')
    assert bad_select(s3, bucket, "broken.json", input_serialization={"JSON": {"Type": "LINES"}}) == (
        "JSONParsingError", "An error occurred while parsing the JSON file. Check the file and try again.", 400)
    assert bad_select(s3, bucket, people, input_serialization={"Parquet": {}})[0] == "ParquetParsingError"
    s3.put_object(Bucket=bucket, Key="latin1.csv", Body="caf\u00e9,1\n".encode("latin-1"))
    assert bad_select(s3, bucket, "latin1.csv") == (
        "InvalidTextEncoding", "Invalid encoding type. Only UTF-8 encoding is supported.", 400)


# ---- awswrangler ----------------------------------------------------------------------

@pytest.fixture
def session():
    return boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION)


WRANGLER_TEXT = {
    "csv": ("CSV", PEOPLE, {"FileHeaderInfo": "Use"},
            "SELECT s.name, s.city FROM s3object s WHERE CAST(s.age AS INT) < 40",
            [{"name": "Alice", "city": "Paris"}, {"name": "Bob", "city": "New, York"}]),
    "json-lines": ("JSON", EVENTS, {"Type": "Lines"}, "SELECT s.id, s.amount FROM s3object s WHERE s.ok = true",
                   [{"id": 1, "amount": 12.5}, {"id": 3, "amount": 30.0}]),
}


@pytest.mark.parametrize("compression,pack", [(None, bytes), ("gzip", gzip.compress), ("bzip2", bz2.compress)])
@pytest.mark.parametrize("kind", sorted(WRANGLER_TEXT))
def test_awswrangler_select_query_csv_and_json_lines(wr, s3, bucket, session, kind, compression, pack):
    serialization, body, params, sql, expected = WRANGLER_TEXT[kind]
    key = f"wrangler/{kind}-{compression}"
    s3.put_object(Bucket=bucket, Key=key, Body=pack(body))
    frame = wr.s3.select_query(sql=sql, path=f"s3://{bucket}/{key}", input_serialization=serialization,
                               input_serialization_params=params, compression=compression,
                               boto3_session=session, use_threads=False)
    assert frame.to_dict("records") == expected


def test_awswrangler_select_query_parquet(wr, s3, bucket, session):
    buffer = io.BytesIO()
    pq.write_table(pa.table({"id": list(range(1, 101)), "region": ["eu", "us"] * 50}), buffer, row_group_size=10)
    s3.put_object(Bucket=bucket, Key="wrangler/regions.parquet", Body=buffer.getvalue())
    frame = wr.s3.select_query(sql="SELECT s.id FROM s3object s WHERE s.region = 'eu' AND s.id > 90",
                               path=f"s3://{bucket}/wrangler/regions.parquet", input_serialization="Parquet",
                               input_serialization_params={}, boto3_session=session)
    assert sorted(frame["id"].tolist()) == [91, 93, 95, 97, 99]


def test_awswrangler_select_query_error(wr, s3, bucket, session, people):
    with pytest.raises(ClientError) as raised:
        wr.s3.select_query(sql="SELECT s.missing FROM s3object s", path=f"s3://{bucket}/{people}",
                           input_serialization="CSV", input_serialization_params={"FileHeaderInfo": "Use"},
                           boto3_session=session, use_threads=False)
    assert raised.value.response["Error"]["Code"] == "MissingHeaders"


def test_json_keys_match_case_insensitively_unless_quoted(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cases.json", Body=b'{"Name":"a","n":1}\n{"NAME":"b","n":2}\n{"n":3}\n')
    seen = select(s3, bucket, "cases.json", 'SELECT s.name, s."Name" AS exact FROM s3object s',
                  {"JSON": {"Type": "LINES"}})
    assert json_rows(seen) == [{"name": "a", "exact": "a"}, {"name": "b"}, {}]
    s3.put_object(Bucket=bucket, Key="twice.json", Body=b'{"Name":"a","name":"b"}\n')
    assert bad_select(s3, bucket, "twice.json", "SELECT s.name FROM s3object s",
                      {"JSON": {"Type": "LINES"}})[0] == "AmbiguousFieldName"


def test_aws_cli_writes_the_records_to_its_outfile(lakebox_server, s3, bucket, people, tmp_path):
    done = run_cli(lakebox_server, "s3api", "select-object-content", "--bucket", bucket, "--key", people,
                   "--expression", "SELECT s.name FROM s3object s WHERE s.city = 'Rome'",
                   "--expression-type", "SQL", "--input-serialization", '{"CSV": {"FileHeaderInfo": "USE"}}',
                   "--output-serialization", '{"CSV": {}}', str(tmp_path / "out.csv"), output=None)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.csv").read_bytes() == b"Carol\n"


def test_awswrangler_reads_back_what_it_wrote(wr, bucket, session):
    """awswrangler's own S3 Select journeys: datasets it wrote as Parquet, CSV with a
    header and JSON documents (arrays of records), read back whole through S3 Select."""
    frame = pd.DataFrame({"c0": [1, 1, 1, 2, 2, 2], "c1": ["foo", "boo", "bar", None, "tez", "qux"],
                          "c2": [4.0, 5.0, 6.0, None, 8.0, 9.0]})
    path = f"s3://{bucket}/wrangler-dataset/"
    wr.s3.to_parquet(frame, path + "parquet/", dataset=True, max_rows_by_file=2, boto3_session=session)
    back = wr.s3.select_query(sql="select * from s3object", path=path + "parquet/", input_serialization="Parquet",
                              input_serialization_params={}, boto3_session=session)
    assert back.shape == frame.shape and list(back.columns) == list(frame.columns)
    wr.s3.to_csv(frame, path + "csv/", dataset=True, index=False, boto3_session=session)
    back = wr.s3.select_query(sql="select * from s3object", path=path + "csv/", input_serialization="CSV",
                              input_serialization_params={"FileHeaderInfo": "Use", "RecordDelimiter": "\n"},
                              boto3_session=session)
    assert back.shape == frame.shape and list(back.columns) == list(frame.columns)
    wr.s3.to_json(frame, path + "json/", dataset=True, orient="records", index=False, boto3_session=session)
    back = wr.s3.select_query(sql="select * from s3object[*][*]", path=path + "json/", input_serialization="JSON",
                              input_serialization_params={"Type": "Document"}, boto3_session=session,
                              pyarrow_additional_kwargs={"types_mapper": None})
    assert back.shape == frame.shape and list(back.columns) == list(frame.columns)
    counted = wr.s3.select_query(sql="select count(*) from s3object[*][*]", path=path + "json/",
                                 input_serialization="JSON", input_serialization_params={"Type": "Document"},
                                 boto3_session=session)
    assert counted["_1"].sum() == 6


def test_awswrangler_push_down_and_positions(wr, bucket, session):
    frame = pd.DataFrame({"c0": [1, 2, 3], "c1": ["foo", "boo", "bar"], "c2": [4.0, 5.0, 6.0]})
    parquet = f"s3://{bucket}/wrangler-push/file.snappy.parquet"
    wr.s3.to_parquet(frame, parquet, compression="snappy", boto3_session=session)
    one = wr.s3.select_query(sql='select * from s3object s where s."c0" = 1', path=parquet,
                             input_serialization="Parquet", input_serialization_params={}, boto3_session=session,
                             pyarrow_additional_kwargs={"types_mapper": None})
    assert one.to_dict("records") == [{"c0": 1, "c1": "foo", "c2": 4.0}]
    csv = f"s3://{bucket}/wrangler-push/file.csv"
    wr.s3.to_csv(frame, csv, header=False, index=False, boto3_session=session)
    first = wr.s3.select_query(sql='select s."_1" from s3object s limit 2', path=csv, input_serialization="CSV",
                               input_serialization_params={"FileHeaderInfo": "None", "RecordDelimiter": "\n"},
                               boto3_session=session)
    assert first.shape == (2, 1)


@pytest.mark.local_only         # a made-up account's keys
def test_another_account_needs_read_access_before_anything_else(lakebox_server, bucket, people):
    stranger = lakebox_server.client("s3", aws_access_key_id="111122223333")
    code, _, status = bad_select(stranger, bucket, people, "SELECT nonsense", ExpressionType="XQUERY")
    assert (code, status) == ("AccessDenied", 403)
