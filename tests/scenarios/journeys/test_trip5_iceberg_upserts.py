"""A customer dimension kept as an Iceberg table by daily upserts: each day's changes
land as CSV and are MERGEd in through Athena (closed accounts deleted, changed ones
updated, new ones inserted); the auditors read yesterday's table with FOR VERSION AS OF
a snapshot from `$snapshots` and FOR TIMESTAMP AS OF; the small files (and the merge's
delete file) are compacted with OPTIMIZE once its file threshold is lowered, and a week
later VACUUM expires the old snapshots (time travel to them then fails); pyiceberg,
through the Glue catalog, reads the same rows."""
import datetime
import time

import pytest

from trip_helpers import KEY, REGION, SECRET, athena_execution, athena_rows

pytestmark = pytest.mark.local_only          # snapshots age past VACUUM's limit on the lakebox clock

DAY = 24 * 3600
CHANGES = {1: "c1,Ada,gold,upsert\nc2,Linus,silver,upsert\nc3,Grace,gold,upsert\n",
           2: "c2,Linus,gold,upsert\nc3,,,close\nc4,Ken,bronze,upsert\n"}


@pytest.fixture
def customers(client, bucket, database):
    athena, output = client("athena"), f"s3://{bucket}/athena/"
    athena_execution(athena, f"""CREATE TABLE customers (customer_id string, name string, tier string)
        LOCATION 's3://{bucket}/iceberg/customers/' TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    athena_execution(athena, f"""CREATE EXTERNAL TABLE changes (customer_id string, name string, tier string,
        op string) PARTITIONED BY (day int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://{bucket}/changes/'""", database, output)
    return output


def merge_day(client, bucket, database, output, day):
    client("s3").put_object(Bucket=bucket, Key=f"changes/day={day}/changes.csv", Body=CHANGES[day].encode())
    athena = client("athena")
    athena_execution(athena, f"ALTER TABLE changes ADD PARTITION (day = {day})", database, output)
    athena_execution(athena, f"""MERGE INTO customers t USING (SELECT * FROM changes WHERE day = {day}) s
        ON t.customer_id = s.customer_id
        WHEN MATCHED AND s.op = 'close' THEN DELETE
        WHEN MATCHED THEN UPDATE SET name = s.name, tier = s.tier
        WHEN NOT MATCHED AND s.op = 'upsert' THEN INSERT (customer_id, name, tier) VALUES (s.customer_id, s.name,
        s.tier)""", database, output)


def test_daily_merges_time_travel_and_housekeeping(lakebox_server, client, clock, bucket, database, customers):
    athena, output = client("athena"), customers
    merge_day(client, bucket, database, output, 1)
    after_day_1 = athena_rows(athena, 'SELECT snapshot_id FROM "customers$snapshots" ORDER BY committed_at DESC '
                                      "LIMIT 1", database, output)[0][0]
    time.sleep(1.1)
    between = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    time.sleep(1.1)
    merge_day(client, bucket, database, output, 2)

    today = [["c1", "Ada", "gold"], ["c2", "Linus", "gold"], ["c4", "Ken", "bronze"]]
    yesterday = [["c1", "Ada", "gold"], ["c2", "Linus", "silver"], ["c3", "Grace", "gold"]]
    assert athena_rows(athena, "SELECT * FROM customers ORDER BY 1", database, output) == today
    assert athena_rows(athena, f"SELECT * FROM customers FOR VERSION AS OF {after_day_1} ORDER BY 1",
                       database, output) == yesterday
    assert athena_rows(athena, f"SELECT * FROM customers FOR TIMESTAMP AS OF TIMESTAMP '{between} UTC' ORDER BY 1",
                       database, output) == yesterday
    operations = athena_rows(athena, 'SELECT operation FROM "customers$snapshots" ORDER BY committed_at',
                             database, output)
    assert operations == [["append"], ["overwrite"]]

    # Two small files and a delete file: under Athena's default of 5 files OPTIMIZE would leave them.
    athena_execution(athena, "ALTER TABLE customers SET TBLPROPERTIES ('optimize_rewrite_data_file_threshold' = '2')",
                     database, output)
    athena_execution(athena, "OPTIMIZE customers REWRITE DATA USING BIN_PACK", database, output)
    assert athena_rows(athena, "SELECT * FROM customers ORDER BY 1", database, output) == today
    assert athena_rows(athena, 'SELECT count(*) FROM "customers$files"', database, output) == [["1"]]

    clock(6 * DAY)
    athena_execution(athena, "VACUUM customers", database, output)
    assert athena_rows(athena, 'SELECT operation FROM "customers$snapshots"', database, output) == [["replace"]]
    gone = athena.start_query_execution(QueryString=f"SELECT * FROM customers FOR VERSION AS OF {after_day_1}",
                                        QueryExecutionContext={"Database": database},
                                        ResultConfiguration={"OutputLocation": output})["QueryExecutionId"]
    status = athena.get_query_execution(QueryExecutionId=gone)["QueryExecution"]["Status"]
    assert (status["State"], status["StateChangeReason"]) == (
        "FAILED", f"INVALID_ARGUMENTS: Iceberg snapshot ID does not exists: {after_day_1}")
    assert athena_rows(athena, "SELECT * FROM customers ORDER BY 1", database, output) == today

    from pyiceberg.catalog.glue import GlueCatalog
    catalog = GlueCatalog("glue", **{"glue.endpoint": lakebox_server.endpoint, "s3.endpoint": lakebox_server.endpoint,
                                     "glue.region": REGION, "s3.region": REGION, "glue.access-key-id": KEY,
                                     "glue.secret-access-key": SECRET, "s3.access-key-id": KEY,
                                     "s3.secret-access-key": SECRET})
    table = catalog.load_table((database, "customers"))
    rows = sorted(table.scan().to_arrow().to_pylist(), key=lambda r: r["customer_id"])
    assert [[r["customer_id"], r["name"], r["tier"]] for r in rows] == today
    assert len(table.snapshots()) == 1
