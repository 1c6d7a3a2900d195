"""ALTER TABLE ... PARTITION (...) RENAME TO PARTITION (...) and ALTER DATABASE ... SET
DBPROPERTIES, seen through Glue and through queries."""


def test_rename_partition_keeps_its_files(query, s3, glue, bucket, database):
    s3.put_object(Bucket=bucket, Key="events/dt=2024-01-01/part-0.csv", Body=b"a\n")
    query("CREATE EXTERNAL TABLE events (msg string) PARTITIONED BY (dt string) "
          f"ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/events/'")
    query("ALTER TABLE events ADD PARTITION (dt = '2024-01-01')")
    query("ALTER TABLE events PARTITION (dt = '2024-01-01') RENAME TO PARTITION (dt = '2024-02-01')")
    partitions = glue.get_partitions(DatabaseName=database, TableName="events")["Partitions"]
    assert [(p["Values"], p["StorageDescriptor"]["Location"]) for p in partitions] == \
        [(["2024-02-01"], f"s3://{bucket}/events/dt=2024-01-01/")]
    _, rows, _ = query("SELECT msg, dt FROM events")
    assert rows == [["msg", "dt"], ["a", "2024-02-01"]]


def test_rename_of_a_missing_partition_or_onto_an_existing_one_fails(query, glue, bucket, database):
    query("CREATE EXTERNAL TABLE days (msg string) PARTITIONED BY (dt string) STORED AS PARQUET "
          f"LOCATION 's3://{bucket}/days/'")
    query("ALTER TABLE days ADD PARTITION (dt = 'a') PARTITION (dt = 'b')")
    execution, _, _ = query("ALTER TABLE days PARTITION (dt = 'x') RENAME TO PARTITION (dt = 'y')", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == \
        "FAILED: SemanticException [Error 10006]: Partition not found"
    execution, _, _ = query("ALTER TABLE days PARTITION (dt = 'a') RENAME TO PARTITION (dt = 'b')", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == "FAILED: AlreadyExistsException Partition already exists."
    partitions = glue.get_partitions(DatabaseName=database, TableName="days")["Partitions"]
    assert sorted(p["Values"][0] for p in partitions) == ["a", "b"]


def test_set_dbproperties(query, glue, fresh_database):
    name = fresh_database("props")
    glue.update_database(Name=name, DatabaseInput={"Name": name, "Description": "kept",
                                                   "Parameters": {"owner": "ann", "tier": "1"}})
    query(f"ALTER DATABASE {name} SET DBPROPERTIES ('tier' = '2', 'team' = 'data')")
    found = glue.get_database(Name=name)["Database"]
    assert found["Parameters"] == {"owner": "ann", "tier": "2", "team": "data"}
    assert found["Description"] == "kept"
    execution, _, _ = query("ALTER SCHEMA nope_nope SET DBPROPERTIES ('a' = 'b')", expect="FAILED")
    assert execution["Status"]["StateChangeReason"] == "FAILED: SemanticException Database nope_nope not found."
