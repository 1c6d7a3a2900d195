"""Monthly exports an analyst makes with Athena CTAS for other teams, through boto3: a
raw CSV sales table is rolled up per month with date_trunc (a date, as Trino answers)
into a pipe-delimited, gzipped text table partitioned by month and into a JSON table;
the consumers read the delivered files with pandas straight from S3 (one gzip file per
partition, named `.gz`), and the export tables answer Athena like the source; an ORC
table, the format Hive-era consumers ask for, is written with Athena's default ZLIB."""
import gzip
import io

import pandas as pd
import pyarrow.orc as orc
import pytest

from trip_helpers import athena_execution, athena_rows

SALES = [("2024-01-03", "north", 120.0), ("2024-01-17", "south", 80.5), ("2024-02-02", "north", 42.0),
         ("2024-02-29", "north", 8.0), ("2024-03-31", "south", 310.25)]


@pytest.fixture
def sales(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="raw/sales/part-0.csv",
                            Body="".join(f"{day},{region},{amount}\n" for day, region, amount in SALES).encode())
    athena_execution(client("athena"), "CREATE EXTERNAL TABLE sales (day date, region string, amount double) "
                                       "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                                       f"LOCATION 's3://{bucket}/raw/sales/'", database, f"s3://{bucket}/athena/")
    return f"s3://{bucket}/athena/"


def objects(s3, bucket, prefix):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def test_monthly_rollups_exported_as_text_and_json(client, bucket, database, sales):
    s3, athena = client("s3"), client("athena")
    rows = athena_rows(athena, "SELECT date_trunc('month', day) AS month, sum(amount) FROM sales "
                               "GROUP BY date_trunc('month', day) ORDER BY 1", database, sales)
    assert rows == [["2024-01-01", "200.5"], ["2024-02-01", "50.0"], ["2024-03-01", "310.25"]]

    athena_execution(athena, f"""CREATE TABLE monthly_text WITH (format = 'TEXTFILE', field_delimiter = '|',
        write_compression = 'GZIP', external_location = 's3://{bucket}/exports/text/', partitioned_by = ARRAY['month'])
        AS SELECT region, count(*) AS orders, sum(amount) AS total, CAST(date_trunc('month', day) AS varchar) AS month
        FROM sales GROUP BY region, date_trunc('month', day)""", database, sales)
    keys = objects(s3, bucket, "exports/text/")
    assert [k.split("/")[2] for k in keys] == ["month=2024-01-01", "month=2024-02-01", "month=2024-03-01"]
    assert all(k.endswith(".gz") and not k.endswith(".gz.gz") for k in keys)
    january = [k for k in keys if "month=2024-01-01" in k]
    lines = b"".join(gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()) for k in january)
    assert sorted(lines.decode().splitlines()) == ["north|1|120.0", "south|1|80.5"]
    assert athena_rows(athena, "SELECT month, sum(orders), sum(total) FROM monthly_text GROUP BY month ORDER BY month",
                       database, sales) == [["2024-01-01", "2", "200.5"], ["2024-02-01", "2", "50.0"],
                                            ["2024-03-01", "1", "310.25"]]

    athena_execution(athena, f"""CREATE TABLE monthly_json WITH (format = 'JSON',
        external_location = 's3://{bucket}/exports/json/')
        AS SELECT region, date_trunc('month', day) AS month, sum(amount) AS total FROM sales
        GROUP BY region, date_trunc('month', day)""", database, sales)
    keys = objects(s3, bucket, "exports/json/")
    assert keys and all(k.endswith(".gz") for k in keys)
    frame = pd.concat(pd.read_json(io.BytesIO(gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read())),
                                   lines=True, dtype={"month": str}) for k in keys)
    got = sorted((r.region, r.month, r.total) for r in frame.itertuples())
    assert got == [("north", "2024-01-01", 120.0), ("north", "2024-02-01", 50.0), ("south", "2024-01-01", 80.5),
                   ("south", "2024-03-01", 310.25)]


def test_monthly_rollup_exported_as_orc(client, bucket, database, sales):
    athena = client("athena")
    athena_execution(athena, f"""CREATE TABLE monthly_orc WITH (format = 'ORC',
        external_location = 's3://{bucket}/exports/orc/')
        AS SELECT region, sum(amount) AS total FROM sales GROUP BY region""", database, sales)
    assert athena_rows(athena, "SELECT region, total FROM monthly_orc ORDER BY region", database, sales) == [
        ["north", "170.0"], ["south", "390.75"]]
    key = client("s3").list_objects_v2(Bucket=bucket, Prefix="exports/orc/")["Contents"][0]["Key"]
    body = client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    assert orc.ORCFile(io.BytesIO(body)).compression == "ZLIB"
