"""Fields of delimited text tables (LazySimpleSerDe) read as Athena's Hive text reader
reads them (Trino's hive-formats LongEncoding and BooleanEncoding): an integer field's
decimal part must be digits and is dropped, never rounded; signs and leading zeros are
read; spaces, exponents, hex and underscores make NULL, as does a value out of the
column type's range. A boolean is `true` or `false` in any case; T, F, 1 and 0 only with
'hive.lazysimple.extended_boolean_literal'='true'. A Regex SerDe table's groups are read
by Java's parsers instead (RegexDeserializer)."""
import pytest

FIELDS = ["1.7", "-1.7", "0.002", "+5", "007", " 5", "1e3", "0x10", "1_000", "-", "3000000000", "true"]


@pytest.fixture
def values(query, s3, bucket):
    s3.put_object(Bucket=bucket, Key="fields/values.tsv",
                  Body="".join(f"{field}\t{field}\t{field}\n" for field in FIELDS).encode())
    s3.put_object(Bucket=bucket, Key="flags/flags.csv", Body=b"true,TRUE\nFalse,fAlSe\nt,T\n1,1\n0,0\nyes,no\n")
    query(f"CREATE EXTERNAL TABLE text_values (raw string, small int, big bigint) ROW FORMAT DELIMITED "
          f"FIELDS TERMINATED BY '\\t' LOCATION 's3://{bucket}/fields/'")
    return query


def test_integer_fields(values):
    assert values("SELECT raw, small, big FROM text_values")[1][1:] == [
        ["1.7", "1", "1"], ["-1.7", "-1", "-1"], ["0.002", "0", "0"], ["+5", "5", "5"], ["007", "7", "7"],
        [" 5", None, None], ["1e3", None, None], ["0x10", None, None], ["1_000", None, None], ["-", None, None],
        ["3000000000", None, "3000000000"], ["true", None, None]]


def test_regex_groups_read_as_java_parses_them(values, bucket):
    """Trino's RegexDeserializer parses a group with Java's parseLong, parseInt and
    parseBoolean: a decimal part makes NULL, and a boolean is false unless `true`."""
    values(f"CREATE EXTERNAL TABLE regex_values (raw string, n int, flag boolean) ROW FORMAT SERDE "
           f"'org.apache.hadoop.hive.serde2.RegexSerDe' WITH SERDEPROPERTIES ("
           f"'input.regex' = '([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)') LOCATION 's3://{bucket}/fields/'")
    assert values("SELECT raw, n, flag FROM regex_values")[1][1:] == [
        ["1.7", None, "false"], ["-1.7", None, "false"], ["0.002", None, "false"], ["+5", "5", "false"],
        ["007", "7", "false"], [" 5", None, "false"], ["1e3", None, "false"], ["0x10", None, "false"],
        ["1_000", None, "false"], ["-", None, "false"], ["3000000000", None, "false"], ["true", None, "true"]]


def test_boolean_fields(values, bucket):
    values(f"CREATE EXTERNAL TABLE flags (plain boolean, extended boolean) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
           f"LOCATION 's3://{bucket}/flags/'")
    values(f"CREATE EXTERNAL TABLE flags_extended (plain boolean, extended boolean) ROW FORMAT SERDE "
           f"'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe' WITH SERDEPROPERTIES ('field.delim' = ',', "
           f"'hive.lazysimple.extended_boolean_literal' = 'true') LOCATION 's3://{bucket}/flags/'")
    assert values("SELECT plain, extended FROM flags")[1][1:] == [
        ["true", "true"], ["false", "false"], [None, None], [None, None], [None, None], [None, None]]
    assert values("SELECT plain, extended FROM flags_extended")[1][1:] == [
        ["true", "true"], ["false", "false"], ["true", "true"], ["true", "true"], ["false", "false"], [None, None]]


def test_regex_times_read_as_hive_parses_them(query, s3, bucket):
    """A Regex SerDe group under a timestamp or date column is parsed as Hive parses
    timestamps (HiveFormatUtils.parseHiveTimestamp): an ALB log's `...186641Z` time has a
    zone, so it reads as NULL; `2024-06-01 12:05:10.186` and ISO's form without one read."""
    s3.put_object(Bucket=bucket, Key="times/t.log", Body=b"2024-06-01T12:05:10.186641Z\t2024-06-01\n"
                                                        b"2024-06-01 12:05:10.186\t2024-6-1\n"
                                                        b"2024-06-01T12:05:10.5\t2024/06/01\n")
    query(f"CREATE EXTERNAL TABLE regex_times (at timestamp, day date) ROW FORMAT SERDE "
          f"'org.apache.hadoop.hive.serde2.RegexSerDe' WITH SERDEPROPERTIES ('input.regex' = '([^\\t]*)\\t(.*)') "
          f"LOCATION 's3://{bucket}/times/'")
    assert query("SELECT at, day FROM regex_times")[1][1:] == [
        [None, "2024-06-01"], ["2024-06-01 12:05:10.186", "2024-06-01"], ["2024-06-01 12:05:10.500", None]]
