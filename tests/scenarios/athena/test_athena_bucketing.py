"""CTAS with `bucketed_by` and `bucket_count`: rows spread over Hive buckets by Hive's
hash (an int hashes to itself, a string as Java's String.hashCode over its bytes), each
bucket one file named `0000NN_0_<query id>`, the bucketing recorded in Glue; and the
property combinations Athena refuses, refused with its words."""
import re

import pytest


def _files(s3, bucket, prefix):
    return sorted(item["Key"][len(prefix):] for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"])


def test_rows_go_to_their_hive_buckets(query, s3, glue, bucket, database):
    execution, _, _ = query(
        f"CREATE TABLE by_id WITH (format = 'PARQUET', external_location = 's3://{bucket}/by_id/', "
        f"bucketed_by = ARRAY['id'], bucket_count = 4) AS SELECT id, 'v' || CAST(id AS varchar) AS v "
        f"FROM UNNEST(sequence(1, 10)) AS t(id)")
    query_id = execution["QueryExecutionId"]
    names = _files(s3, bucket, "by_id/")
    assert [re.sub(r"\.gz$", "", name) for name in names] == [f"00000{n}_0_{query_id}" for n in range(4)]
    sd = glue.get_table(DatabaseName=database, Name="by_id")["Table"]["StorageDescriptor"]
    assert (sd["BucketColumns"], sd["NumberOfBuckets"]) == (["id"], 4)
    _, rows, _ = query('SELECT "$path" AS path, id FROM by_id ORDER BY id')
    for path, ident in rows[1:]:
        assert path.rsplit("/", 1)[1].startswith(f"00000{int(ident) % 4}_0_")
    assert [row[1] for row in rows[1:]] == [str(n) for n in range(1, 11)]


def test_strings_hash_as_hive_hashes_them(query, bucket):
    query(f"CREATE TABLE by_name WITH (format = 'JSON', external_location = 's3://{bucket}/by_name/', "
          f"bucketed_by = ARRAY['name'], bucket_count = 4) AS "
          f"SELECT * FROM (VALUES ('a'), ('b'), ('abc'), ('hello'), (NULL)) AS t(name)")
    _, rows, _ = query('SELECT name, "$path" AS path FROM by_name')
    buckets = {name: path.rsplit("/", 1)[1][:6] for name, path in rows[1:]}
    # Java: "a".hashCode() = 97, "b" = 98, "abc" = 96354, "hello" = 99162322; NULL hashes to 0
    assert buckets == {"a": "000001", "b": "000002", "abc": "000002", "hello": "000002", None: "000000"}


@pytest.mark.parametrize("props, reason", [
    ("bucketed_by = ARRAY['id']", "INVALID_TABLE_PROPERTY: bucketed_by and bucket_count must be specified together"),
    ("bucket_count = 3", "INVALID_TABLE_PROPERTY: bucketed_by and bucket_count must be specified together"),
    ("bucketed_by = ARRAY['id'], bucket_count = -1", "INVALID_TABLE_PROPERTY: bucket_count must be greater than zero"),
    ("bucketed_by = ARRAY['nope'], bucket_count = 2",
     "INVALID_TABLE_PROPERTY: Bucketing columns [nope] not present in schema"),
    ("bucketed_by = ARRAY['tags'], bucket_count = 2",
     "NOT_SUPPORTED: Cannot create a table bucketed on an unsupported type"),
])
def test_refused_bucketing(query, s3, glue, bucket, database, props, reason):
    execution, _, _ = query(f"CREATE TABLE refused WITH (external_location = 's3://{bucket}/refused/', {props}) "
                            f"AS SELECT 1 AS id, ARRAY['x'] AS tags", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == reason
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket, Prefix="refused/")
    with pytest.raises(glue.exceptions.EntityNotFoundException):
        glue.get_table(DatabaseName=database, Name="refused")


def test_insert_into_a_bucketed_table(query, s3, bucket):
    query(f"CREATE TABLE flat WITH (external_location = 's3://{bucket}/flat/', bucketed_by = ARRAY['id'], "
          f"bucket_count = 2) AS SELECT 1 AS id")
    execution, _, _ = query("INSERT INTO flat SELECT 2", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "NOT_SUPPORTED: Cannot insert into bucketed unpartitioned Hive table"
    query(f"CREATE TABLE parted WITH (external_location = 's3://{bucket}/parted/', bucketed_by = ARRAY['id'], "
          f"bucket_count = 2, partitioned_by = ARRAY['day']) AS SELECT 1 AS id, '1' AS day")
    query("INSERT INTO parted SELECT id, '2' FROM UNNEST(sequence(1, 4)) AS t(id)")
    names = _files(s3, bucket, "parted/day=2/")
    assert [name[:9] for name in names] == ["000000_0_", "000001_0_"]
    _, rows, _ = query('SELECT id, "$path" AS path FROM parted WHERE day = \'2\' ORDER BY id')
    assert [(ident, path.rsplit("/", 1)[1][:6]) for ident, path in rows[1:]] == \
        [("1", "000001"), ("2", "000000"), ("3", "000001"), ("4", "000000")]
