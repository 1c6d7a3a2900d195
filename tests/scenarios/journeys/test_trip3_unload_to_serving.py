"""From the lake to a serving table with boto3: raw JSON events read by Athena through the
JSON SerDe; UNLOAD writes a per-country Parquet export partitioned by country (read back
by pandas) and a gzipped CSV of per-user totals (listed by UNLOAD's manifest); DynamoDB's
ImportTable loads that CSV into a new table the application reads by key."""
import gzip
import json
import time

import pandas as pd
import pytest

from trip_helpers import KEY, REGION, SECRET, athena_execution

EVENTS = [{"user_id": "u1", "name": "Ann", "country": "PT", "amount": 10.5},
          {"user_id": "u2", "name": "Bob", "country": "DE", "amount": 3.0},
          {"user_id": "u1", "name": "Ann", "country": "PT", "amount": 5.0},
          {"user_id": "u3", "name": "Cai", "country": "DE", "amount": 7.25},
          {"user_id": "u4", "name": "Dee", "country": "FR", "amount": 1.0}]


def run(athena, sql, database, bucket) -> dict:
    return athena_execution(athena, sql, database, f"s3://{bucket}/athena/")


@pytest.fixture
def events_table(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="raw/events/part-0.json",
                            Body="".join(json.dumps(e) + "\n" for e in EVENTS).encode())
    run(client("athena"), f"""CREATE EXTERNAL TABLE events (user_id string, name string, country string,
        amount double) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION 's3://{bucket}/raw/events/'""", database, bucket)
    return "events"


def keys_under(s3, bucket, prefix):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []))


def test_unload_partitioned_parquet_read_by_pandas(lakebox_server, client, bucket, database, events_table):
    athena, s3 = client("athena"), client("s3")
    run(athena, f"""UNLOAD (SELECT user_id, amount, country FROM events)
        TO 's3://{bucket}/exports/by_country/'
        WITH (format = 'PARQUET', compression = 'SNAPPY', partitioned_by = ARRAY['country'])""", database, bucket)
    folders = sorted({key.split("/")[2] for key in keys_under(s3, bucket, "exports/by_country/")})
    assert folders == ["country=DE", "country=FR", "country=PT"]
    options = {"key": KEY, "secret": SECRET, "client_kwargs": {"region_name": REGION}}
    if lakebox_server.endpoint:
        options["client_kwargs"]["endpoint_url"] = lakebox_server.endpoint
    frame = pd.read_parquet(f"s3://{bucket}/exports/by_country/", storage_options=options)
    totals = frame.groupby(frame["country"].astype(str))["amount"].sum().to_dict()
    assert totals == {"DE": 10.25, "FR": 1.0, "PT": 15.5}
    assert sorted(frame.columns) == ["amount", "country", "user_id"]


@pytest.fixture
def serving_table(client):
    names = []
    yield names
    ddb = client("dynamodb")
    for name in names:
        ddb.delete_table(TableName=name)


def test_unloaded_csv_imported_into_dynamodb(client, bucket, database, events_table, serving_table):
    athena, s3, ddb = client("athena"), client("s3"), client("dynamodb")
    execution = run(athena, f"""UNLOAD (SELECT user_id, max(name) AS name, sum(amount) AS total, count(*) AS orders
        FROM events GROUP BY user_id) TO 's3://{bucket}/exports/users/'
        WITH (format = 'TEXTFILE', field_delimiter = ',', compression = 'GZIP')""", database, bucket)
    manifest = execution["Statistics"]["DataManifestLocation"]
    listed = s3.get_object(Bucket=bucket, Key=manifest.split("/", 3)[3])["Body"].read().decode().split()
    assert sorted(listed) == [f"s3://{bucket}/{key}" for key in keys_under(s3, bucket, "exports/users/")]
    lines = sorted(line for uri in listed for line in gzip.decompress(
        s3.get_object(Bucket=bucket, Key=uri.split("/", 3)[3])["Body"].read()).decode().splitlines())
    assert lines == ["u1,Ann,15.5,2", "u2,Bob,3.0,1", "u3,Cai,7.25,1", "u4,Dee,1.0,1"]

    name = f"users-{execution['QueryExecutionId'][:8]}"
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": bucket, "S3KeyPrefix": "exports/users/"}, InputFormat="CSV",
        InputCompressionType="GZIP",
        InputFormatOptions={"Csv": {"Delimiter": ",", "HeaderList": ["user_id", "name", "total", "orders"]}},
        TableCreationParameters={"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                                 "KeySchema": [{"AttributeName": "user_id", "KeyType": "HASH"}],
                                 "AttributeDefinitions": [{"AttributeName": "user_id", "AttributeType": "S"}]})
    serving_table.append(name)
    arn = started["ImportTableDescription"]["ImportArn"]
    for _ in range(600):
        described = ddb.describe_import(ImportArn=arn)["ImportTableDescription"]
        if described["ImportStatus"] != "IN_PROGRESS":
            break
        time.sleep(0.2)
    assert described["ImportStatus"] == "COMPLETED", described
    assert (described["ImportedItemCount"], described["ErrorCount"]) == (4, 0)
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
    item = ddb.get_item(TableName=name, Key={"user_id": {"S": "u1"}})["Item"]
    assert item == {"user_id": {"S": "u1"}, "name": {"S": "Ann"}, "total": {"S": "15.5"}, "orders": {"S": "2"}}
    assert ddb.scan(TableName=name, Select="COUNT")["Count"] == 4
