"""A catalog steward keeps a busy table's version history under its quota. Two schema
deployments race: the one that read the table before the other's UpdateTable landed
sends the stale VersionId and is refused with ConcurrentModificationException, reads
again and retries. Routine description edits use SkipArchive, so they leave no archived
version behind. The steward pages through GetTableVersions (newest first), keeps the
current version and the latest archived one, and removes the rest with
BatchDeleteTableVersion; a version already removed comes back in its Errors."""
from trip_helpers import error_of


def table_input(bucket, columns, description=None):
    table = {"Name": "orders", "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
             "StorageDescriptor": {"Columns": [{"Name": n, "Type": "string"} for n in columns],
                                   "Location": f"s3://{bucket}/orders/"}}
    if description:
        table["Description"] = description
    return table


def test_version_history_kept_under_quota(client, bucket, database):
    glue = client("glue")
    glue.create_table(DatabaseName=database, TableInput=table_input(bucket, ["id"]))
    for added in ("customer", "total", "currency"):
        current = glue.get_table(DatabaseName=database, Name="orders")["Table"]
        columns = [c["Name"] for c in current["StorageDescriptor"]["Columns"]] + [added]
        glue.update_table(DatabaseName=database, TableInput=table_input(bucket, columns),
                          VersionId=current["VersionId"])

    # two deployers read version 3; the first one's update lands, the second one's is refused
    seen = glue.get_table(DatabaseName=database, Name="orders")["Table"]["VersionId"]
    assert seen == "3"
    glue.update_table(DatabaseName=database, VersionId=seen,
                      TableInput=table_input(bucket, ["id", "customer", "total", "currency", "status"]))
    assert error_of(glue.update_table, DatabaseName=database, VersionId=seen,
                    TableInput=table_input(bucket, ["id", "customer", "total", "currency", "channel"])) == (
        "ConcurrentModificationException", "Update table failed due to concurrent modifications.")
    fresh = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert fresh["VersionId"] == "4"
    glue.update_table(DatabaseName=database, VersionId=fresh["VersionId"], TableInput=table_input(
        bucket, ["id", "customer", "total", "currency", "status", "channel"]))

    # a description edit that is not worth a version
    glue.update_table(DatabaseName=database, SkipArchive=True, TableInput=table_input(
        bucket, ["id", "customer", "total", "currency", "status", "channel"], "Orders as placed"))
    table = glue.get_table(DatabaseName=database, Name="orders")["Table"]
    assert (table["VersionId"], table["Description"]) == ("6", "Orders as placed")

    listed, token = [], None
    while True:
        page = glue.get_table_versions(DatabaseName=database, TableName="orders", MaxResults=2,
                                       **({"NextToken": token} if token else {}))
        listed.append([v["VersionId"] for v in page["TableVersions"]])
        token = page.get("NextToken")
        if not token:
            break
    assert listed == [["6", "4"], ["3", "2"], ["1", "0"]]
    versions = glue.get_table_versions(DatabaseName=database, TableName="orders")["TableVersions"]
    assert [len(v["Table"]["StorageDescriptor"]["Columns"]) for v in versions] == [6, 5, 4, 3, 2, 1]
    assert all(v["Table"]["VersionId"] == v["VersionId"] for v in versions)

    doomed = ["3", "2", "1", "0"]
    assert glue.batch_delete_table_version(DatabaseName=database, TableName="orders",
                                           VersionIds=doomed)["Errors"] == []
    again = glue.batch_delete_table_version(DatabaseName=database, TableName="orders", VersionIds=["4", "2"])
    assert [(e["TableName"], e["VersionId"], e["ErrorDetail"]["ErrorCode"]) for e in again["Errors"]] == [
        ("orders", "2", "EntityNotFoundException")]
    remaining = glue.get_table_versions(DatabaseName=database, TableName="orders")["TableVersions"]
    assert [v["VersionId"] for v in remaining] == ["6"]
    kept = glue.get_table_version(DatabaseName=database, TableName="orders")["TableVersion"]
    assert (kept["VersionId"], kept["Table"]["Description"]) == ("6", "Orders as placed")
    assert error_of(glue.get_table_versions, DatabaseName=database, TableName="order") == (
        "EntityNotFoundException", "Table order not found.")
