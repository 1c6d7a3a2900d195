"""One Athena table exported three ways for three consumers, each read back with the
tool that consumer uses: gzipped JSON lines for a web team (pandas' read_json), ZLIB ORC
for a Hive cluster (pyarrow's ORC reader) and Snappy Parquet partitioned by country for
the data science notebook (pandas' read_parquet over the folder, the partition from the
path); each UNLOAD leaves a manifest in the query's result location listing its files."""
import gzip
import io
import json

import pandas as pd
import pyarrow.orc as orc
import pytest

from trip_helpers import KEY, SECRET, athena_execution, keys_under

ORDERS = [(1, "PT", "ana", 12.5, "2024-05-01"), (2, "DE", "bo", 3.0, "2024-05-01"), (3, "PT", "cy", 7.25, "2024-05-02"),
          (4, "FR", "di", 1.0, "2024-05-02"), (5, "DE", "ed", 9.75, "2024-05-03")]


@pytest.fixture
def orders(client, bucket, database):
    body = "".join(json.dumps({"order_id": o, "country": c, "customer": u, "amount": a, "day": d}) + "\n"
                   for o, c, u, a, d in ORDERS)
    client("s3").put_object(Bucket=bucket, Key="raw/orders/part-0.json", Body=body.encode())
    athena_execution(client("athena"), f"""CREATE EXTERNAL TABLE orders (
        order_id int, country string, customer string, amount double, day date)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://{bucket}/raw/orders/'""",
                     database, f"s3://{bucket}/athena/")
    return "orders"


def manifest_keys(s3, bucket, execution):
    """The objects an UNLOAD's manifest lists, as keys."""
    manifest = execution["Statistics"]["DataManifestLocation"]
    text = s3.get_object(Bucket=bucket, Key=manifest.split(f"s3://{bucket}/", 1)[1])["Body"].read().decode()
    return sorted(line.split(f"s3://{bucket}/", 1)[1] for line in text.splitlines() if line)


def test_one_table_unloaded_in_three_formats(lakebox_server, client, bucket, database, orders):
    s3, athena = client("s3"), client("athena")
    output = f"s3://{bucket}/athena/"
    storage = {"key": KEY, "secret": SECRET, "client_kwargs": {"endpoint_url": lakebox_server.endpoint,
                                                               "region_name": "us-east-1"}}

    as_json = athena_execution(athena, f"""UNLOAD (SELECT order_id, customer, amount FROM orders WHERE amount > 2)
        TO 's3://{bucket}/exports/web/' WITH (format = 'JSON', compression = 'GZIP')""", database, output)
    keys = keys_under(s3, bucket, "exports/web/")
    assert keys == manifest_keys(s3, bucket, as_json) and all(k.endswith(".gz") for k in keys)
    web = pd.concat(pd.read_json(io.BytesIO(gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read())),
                                 lines=True) for k in keys)
    assert sorted(web.itertuples(index=False, name=None)) == [(1, "ana", 12.5), (2, "bo", 3.0), (3, "cy", 7.25),
                                                              (5, "ed", 9.75)]

    as_orc = athena_execution(athena, f"""UNLOAD (SELECT country, count(*) AS orders, sum(amount) AS total
        FROM orders GROUP BY country) TO 's3://{bucket}/exports/hive/' WITH (format = 'ORC', compression = 'ZLIB')""",
                              database, output)
    keys = manifest_keys(s3, bucket, as_orc)
    tables = [orc.ORCFile(io.BytesIO(s3.get_object(Bucket=bucket, Key=k)["Body"].read())) for k in keys]
    assert {t.compression for t in tables} == {"ZLIB"}
    rows = sorted(r for t in tables for r in t.read().to_pandas().itertuples(index=False, name=None))
    assert rows == [("DE", 2, 12.75), ("FR", 1, 1.0), ("PT", 2, 19.75)]

    athena_execution(athena, f"""UNLOAD (SELECT order_id, amount, day, country FROM orders)
        TO 's3://{bucket}/exports/science/' WITH (format = 'PARQUET', compression = 'SNAPPY',
        partitioned_by = ARRAY['country'])""", database, output)
    assert sorted({k.split("/")[2] for k in keys_under(s3, bucket, "exports/science/")}) == [
        "country=DE", "country=FR", "country=PT"]
    science = pd.read_parquet(f"s3://{bucket}/exports/science/", storage_options=storage)
    assert sorted((int(o), str(c), str(d)) for o, c, d in zip(science["order_id"], science["country"],
                                                              science["day"])) == [
        (1, "PT", "2024-05-01"), (2, "DE", "2024-05-01"), (3, "PT", "2024-05-02"), (4, "FR", "2024-05-02"),
        (5, "DE", "2024-05-03")]
    assert str(science["amount"].dtype) == "float64"
