"""An SRE querying tab-separated job logs that several schedulers write, each with its own
idea of a timestamp. The table (LazySimpleSerDe, FIELDS TERMINATED BY '\\t') declares
`started timestamp` and `day date`: Hive's text reader takes `y-M-d[ H:m:s[.f]]` (one- or
two-digit fields) or ISO's `yyyy-MM-ddTHH:mm[:ss]`, and reads a zone, a slash date, or a
time without seconds as NULL; a date keeps what precedes its first space, and an
out-of-range day rolls over as Java's lenient resolver rolls it. The SRE finds the rows
whose time did not parse with `started IS NULL` and reads their raw text from a second
table over the same files with the column as a string."""
from trip_helpers import athena_execution, athena_rows

LOG = "\n".join("\t".join(fields) for fields in [
    ("1", "2024-03-01 08:00:00.250", "2024-03-01"),
    ("2", "2024-3-1 9:5:7", "2024-3-1 23:59:59"),
    ("3", "2024-03-01T10:15:30", "2024-03-01T10:15:30"),
    ("4", "2024-03-01T10:15", "2024/03/01"),
    ("5", "2024-03-01 10:15", "2024-02-30"),
    ("6", "2024-03-01T10:15:30Z", "  2024-03-02  "),
    ("7", "2024-03-01 10:15:30 UTC", "20240301"),
    ("8", "  2024-03-01 23:00:00  ", ""),
]).encode() + b"\n"


def test_text_timestamps_parse_as_hive_reads_them(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    s3.put_object(Bucket=bucket, Key="jobs/2024-03-01.tsv", Body=LOG)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE jobs (id int, started timestamp, day date)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LOCATION 's3://{bucket}/jobs/'""", database, output)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE jobs_raw (id int, started string, day string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LOCATION 's3://{bucket}/jobs/'""", database, output)

    assert athena_rows(athena, "SELECT id, started, day FROM jobs ORDER BY id", database, output) == [
        ["1", "2024-03-01 08:00:00.250", "2024-03-01"],
        ["2", "2024-03-01 09:05:07.000", "2024-03-01"],
        ["3", "2024-03-01 10:15:30.000", None],
        ["4", "2024-03-01 10:15:00.000", None],
        ["5", None, "2024-03-01"],
        ["6", None, "2024-03-02"],
        ["7", None, None],
        ["8", "2024-03-01 23:00:00.000", None]]
    assert athena_rows(athena, "SELECT r.id, r.started FROM jobs j JOIN jobs_raw r ON r.id = j.id "
                               "WHERE j.started IS NULL ORDER BY r.id", database, output) == [
        ["5", "2024-03-01 10:15"], ["6", "2024-03-01T10:15:30Z"], ["7", "2024-03-01 10:15:30 UTC"]]
    assert athena_rows(athena, "SELECT date_diff('minute', min(started), max(started)), count(day) FROM jobs",
                       database, output) == [["899", "4"]]
