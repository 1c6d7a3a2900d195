"""A CDC feed of an accounts table into the lake without streams, as a data engineer runs
it: one full export as the base, then an incremental export of the next window
(NEW_AND_OLD_IMAGES); both are declared to Athena with the OpenX JSON SerDe over their
`data/` folders (the change lines as Metadata / Keys / NewImage / OldImage structs) and the
engineer's merge query yields the table's state at the window's end: updated balances,
new accounts, and deleted ones gone (a change line without NewImage)."""
import datetime
import json

import pytest

from trip_helpers import athena_rows, exportable_table, wait_export

pytestmark = pytest.mark.local_only          # the export window is made by moving the lakebox clock

MINUTE = 60


def data_folder(s3, bucket, export) -> str:
    summary = json.loads(s3.get_object(Bucket=bucket, Key=export["ExportManifest"])["Body"].read())
    return f"s3://{bucket}/{summary['manifestFilesS3Key'].rsplit('/', 1)[0]}/data/"


def test_full_plus_incremental_merged_in_athena(client, resource, clock, bucket, database, table_name):
    ddb, s3, athena = client("dynamodb"), client("s3"), client("athena")
    accounts = exportable_table(resource("dynamodb"), table_name, "account")
    for n, balance in enumerate((100, 250, 75, 40)):
        accounts.put_item(Item={"account": f"a{n}", "balance": balance, "owner": f"owner {n}"})
    base = wait_export(ddb, ddb.export_table_to_point_in_time(
        TableArn=accounts.table_arn, S3Bucket=bucket, S3Prefix="cdc/base")["ExportDescription"]["ExportArn"])
    assert (base["ExportStatus"], base["ItemCount"]) == ("COMPLETED", 4)

    clock(2 * MINUTE)
    since = base["ExportTime"] + datetime.timedelta(minutes=1)
    clock(2 * MINUTE)
    accounts.update_item(Key={"account": "a1"}, UpdateExpression="SET balance = balance - :d",
                         ExpressionAttributeValues={":d": 50})
    accounts.delete_item(Key={"account": "a2"})
    accounts.put_item(Item={"account": "a9", "balance": 5, "owner": "owner 9"})
    clock(20 * MINUTE)
    until = since + datetime.timedelta(minutes=16)
    changes = wait_export(ddb, ddb.export_table_to_point_in_time(
        TableArn=accounts.table_arn, S3Bucket=bucket, S3Prefix="cdc/changes", ExportType="INCREMENTAL_EXPORT",
        IncrementalExportSpecification={"ExportFromTime": since, "ExportToTime": until})["ExportDescription"][
        "ExportArn"])
    assert (changes["ExportStatus"], changes["ItemCount"]) == ("COMPLETED", 3)
    assert changes["IncrementalExportSpecification"]["ExportViewType"] == "NEW_AND_OLD_IMAGES"

    output = f"s3://{bucket}/athena/"
    athena_rows(athena, f"""CREATE EXTERNAL TABLE accounts_base (
        Item struct<account:struct<s:string>, balance:struct<n:string>, owner:struct<s:string>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION '{data_folder(s3, bucket, base)}'""", database, output)
    athena_rows(athena, f"""CREATE EXTERNAL TABLE accounts_changes (
        Metadata struct<WriteTimestampMicros:struct<n:string>>,
        Keys struct<account:struct<s:string>>,
        NewImage struct<account:struct<s:string>, balance:struct<n:string>, owner:struct<s:string>>,
        OldImage struct<account:struct<s:string>, balance:struct<n:string>, owner:struct<s:string>>)
        ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
        LOCATION '{data_folder(s3, bucket, changes)}'""", database, output)

    assert athena_rows(athena, """SELECT keys.account.s, oldimage.balance.n, newimage.balance.n
                                  FROM accounts_changes ORDER BY 1""", database, output) == [
        ["a1", "250", "200"], ["a2", "75", None], ["a9", None, "5"]]
    merged = athena_rows(athena, """
        WITH changed AS (SELECT keys.account.s AS account, newimage.balance.n AS balance
                         FROM accounts_changes),
             kept AS (SELECT item.account.s AS account, item.balance.n AS balance FROM accounts_base
                      WHERE item.account.s NOT IN (SELECT account FROM changed))
        SELECT account, CAST(balance AS integer) FROM kept
        UNION ALL SELECT account, CAST(balance AS integer) FROM changed WHERE balance IS NOT NULL
        ORDER BY account""", database, output)
    assert merged == [["a0", "100"], ["a1", "200"], ["a3", "40"], ["a9", "5"]]
