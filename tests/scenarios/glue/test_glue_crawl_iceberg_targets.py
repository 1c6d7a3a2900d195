"""IcebergTargets of a crawler: Hadoop-catalog tables (v<N>.metadata.json beside a
version-hint.text) are registered on their newest metadata file by number (v10 after
v9), Exclusions keep a table out, and MaximumTraversalDepth stops the search for
metadata folders nested deeper than it allows."""
import json
import uuid

from glue_helpers import run_crawler

ROLE = "arn:aws:iam::000000000000:role/glue"


def metadata(location, fields):
    schema = {"type": "struct", "schema-id": 0,
              "fields": [{"id": i, "name": n, "required": False, "type": t} for i, (n, t) in enumerate(fields, 1)]}
    return json.dumps({"format-version": 2, "table-uuid": str(uuid.uuid4()), "location": location,
                       "last-sequence-number": 0, "last-updated-ms": 0, "last-column-id": len(fields),
                       "current-schema-id": 0, "schemas": [schema], "default-spec-id": 0,
                       "partition-specs": [{"spec-id": 0, "fields": []}], "last-partition-id": 999,
                       "default-sort-order-id": 0, "sort-orders": [{"order-id": 0, "fields": []}],
                       "properties": {}, "snapshots": [], "snapshot-log": [], "metadata-log": []}).encode()


def test_hadoop_tables_exclusions_and_depth(glue, s3, bucket, database):
    base = f"s3://{bucket}/wh"
    for version in range(1, 11):
        fields = [("id", "long"), ("v", "int")] if version == 10 else [("id", "long")]
        s3.put_object(Bucket=bucket, Key=f"wh/sales/metadata/v{version}.metadata.json",
                      Body=metadata(f"{base}/sales", fields))
    s3.put_object(Bucket=bucket, Key="wh/sales/metadata/version-hint.text", Body=b"10")
    s3.put_object(Bucket=bucket, Key="wh/scratch/metadata/v1.metadata.json", Body=metadata(f"{base}/scratch",
                                                                                          [("x", "string")]))
    s3.put_object(Bucket=bucket, Key="wh/a/b/c/deep/metadata/v1.metadata.json",
                  Body=metadata(f"{base}/a/b/c/deep", [("x", "string")]))
    name = f"ice-{uuid.uuid4().hex[:8]}"
    glue.create_crawler(Name=name, Role=ROLE, DatabaseName=database,
                        Targets={"IcebergTargets": [{"Paths": [f"{base}/"], "Exclusions": ["scratch/**"],
                                                     "MaximumTraversalDepth": 2}]})
    try:
        assert run_crawler(glue, name)["LastCrawl"]["Status"] == "SUCCEEDED"
        assert [t["Name"] for t in glue.get_tables(DatabaseName=database)["TableList"]] == ["sales"]
        table = glue.get_table(DatabaseName=database, Name="sales")["Table"]
        assert table["Parameters"]["metadata_location"] == f"{base}/sales/metadata/v10.metadata.json"
        assert table["Parameters"]["table_type"] == "ICEBERG"
        assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [("id", "bigint"),
                                                                                       ("v", "int")]
    finally:
        glue.delete_crawler(Name=name)
