"""A data-quality engineer tracing which file each row of a raw JSON landing zone came
from: the producers drop gzip and bzip2 files (read by their extension) under one prefix,
the table is declared with the Hive JSON SerDe, and the engineer asks for every column
plus the hidden `$path` (`SELECT *, "$path"`, `SELECT "$path", *`, `t.*` and a CTE over
them). A `*` brings the table's declared columns only: the hidden `$path`, `$file_size`
and `$pos` appear only where a query names them."""
import bz2
import gzip

from trip_helpers import athena_execution, athena_lines


def test_star_with_path_lists_declared_columns_then_path(client, bucket, database):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    first = gzip.compress(b'{"id": 1, "d": "2024-02-03", "ts": "2024-02-03 01:02:03"}\n')
    s3.put_object(Bucket=bucket, Key="landing/a.json.gz", Body=first)
    s3.put_object(Bucket=bucket, Key="landing/b.json.bz2",
                  Body=bz2.compress(b'{"id": 2, "d": "2024-02-04", "ts": "2024-02-04 01:02:03.5"}\n'))
    athena_execution(athena, f"""CREATE EXTERNAL TABLE landing (id int, d date, ts timestamp)
        ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
        LOCATION 's3://{bucket}/landing/'""", database, output)

    assert athena_lines(athena, 'SELECT *, "$path" FROM landing ORDER BY id', database, output) == [
        ["id", "d", "ts", "$path"],
        ["1", "2024-02-03", "2024-02-03 01:02:03.000", f"s3://{bucket}/landing/a.json.gz"],
        ["2", "2024-02-04", "2024-02-04 01:02:03.500", f"s3://{bucket}/landing/b.json.bz2"]]
    assert athena_lines(athena, 'SELECT "$path", * FROM landing WHERE id = 2', database, output) == [
        ["$path", "id", "d", "ts"], [f"s3://{bucket}/landing/b.json.bz2", "2", "2024-02-04", "2024-02-04 01:02:03.500"]]
    assert athena_lines(athena, 'SELECT l.*, "$file_size" AS bytes FROM landing l WHERE id = 1', database, output) == [
        ["id", "d", "ts", "bytes"], ["1", "2024-02-03", "2024-02-03 01:02:03.000", str(len(first))]]
    assert athena_lines(athena, 'WITH tagged AS (SELECT *, "$path" AS source FROM landing) '
                         'SELECT * FROM tagged ORDER BY id', database, output) == [
        ["id", "d", "ts", "source"],
        ["1", "2024-02-03", "2024-02-03 01:02:03.000", f"s3://{bucket}/landing/a.json.gz"],
        ["2", "2024-02-04", "2024-02-04 01:02:03.500", f"s3://{bucket}/landing/b.json.bz2"]]
    # without a hidden column named, a star is the declared columns as ever
    assert athena_lines(athena, "SELECT * FROM landing WHERE id = 1", database, output) == [
        ["id", "d", "ts"], ["1", "2024-02-03", "2024-02-03 01:02:03.000"]]
