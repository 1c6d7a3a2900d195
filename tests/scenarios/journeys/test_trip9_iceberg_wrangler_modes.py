"""A data scientist's notebook keeps a feature table as Iceberg through awswrangler: the
first load partitioned by region, an upsert by id (merge_cols), one region's partition
replaced (overwrite_partitions), a new feature column let in by schema_evolution (and a
frame with an unexpected column stopped when it is not), ids forgotten on request with
delete_from_iceberg_table, and finally the whole table rebuilt (overwrite). Each step is a
snapshot Athena can list; a pyathena colleague and a pyiceberg job read the same rows."""
import pandas as pd
import pytest

from trip_helpers import athena_rows, pyathena_connect, pyiceberg_catalog


def catalog_of(lakebox_server):
    return pyiceberg_catalog(lakebox_server, "notebook")


def test_feature_table_kept_by_wrangler(lakebox_server, client, wr, session, bucket, database):
    athena, output = client("athena"), f"s3://{bucket}/athena/"
    options = {"database": database, "table": "features", "temp_path": f"s3://{bucket}/tmp/features/",
               "table_location": f"s3://{bucket}/warehouse/features/", "s3_output": output, "keep_files": False,
               "boto3_session": session}

    def table():
        return athena_rows(athena, "SELECT * FROM features ORDER BY id", database, output)

    wr.athena.to_iceberg(pd.DataFrame({"id": [1, 2, 3], "region": ["eu", "us", "eu"], "score": [0.1, 0.2, 0.3]}),
                         partition_cols=["region"], **options)
    assert table() == [["1", "eu", "0.1"], ["2", "us", "0.2"], ["3", "eu", "0.3"]]
    wr.athena.to_iceberg(pd.DataFrame({"id": [2, 4], "region": ["us", "us"], "score": [0.25, 0.4]}),
                         merge_cols=["id"], **options)
    assert table() == [["1", "eu", "0.1"], ["2", "us", "0.25"], ["3", "eu", "0.3"], ["4", "us", "0.4"]]
    wr.athena.to_iceberg(pd.DataFrame({"id": [9], "region": ["us"], "score": [0.9]}), mode="overwrite_partitions",
                         partition_cols=["region"], **options)
    assert table() == [["1", "eu", "0.1"], ["3", "eu", "0.3"], ["9", "us", "0.9"]]

    wr.athena.to_iceberg(pd.DataFrame({"id": [7], "region": ["ap"], "score": [0.7], "clicks": [12]}),
                         schema_evolution=True, **options)
    assert table() == [["1", "eu", "0.1", None], ["3", "eu", "0.3", None], ["7", "ap", "0.7", "12"],
                       ["9", "us", "0.9", None]]
    assert [c["Name"] for c in client("glue").get_table(DatabaseName=database, Name="features")["Table"][
        "StorageDescriptor"]["Columns"]] == ["id", "region", "score", "clicks"]
    with pytest.raises(wr.exceptions.InvalidArgumentValue, match="Schema change detected"):
        wr.athena.to_iceberg(pd.DataFrame({"id": [8], "region": ["ap"], "score": [0.8], "views": [3]}),
                             schema_evolution=False, **options)

    wr.athena.delete_from_iceberg_table(pd.DataFrame({"id": [1, 9]}), merge_cols=["id"], database=database,
                                        table="features", temp_path=f"s3://{bucket}/tmp/forget/", s3_output=output,
                                        keep_files=False, boto3_session=session)
    assert table() == [["3", "eu", "0.3", None], ["7", "ap", "0.7", "12"]]
    with pyathena_connect(lakebox_server, bucket, database) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT id, clicks FROM features WHERE region = %(region)s", {"region": "ap"})
        assert cursor.fetchall() == [(7, 12)]
    # load, upsert, the partition's delete and insert, the evolved insert, the forgetting
    assert athena_rows(athena, 'SELECT operation FROM "features$snapshots" ORDER BY committed_at', database,
                       output) == [["append"], ["overwrite"], ["delete"], ["append"], ["append"], ["delete"]]

    wr.athena.to_iceberg(pd.DataFrame({"id": [100], "region": ["zz"], "score": [1.0], "clicks": [1]}),
                         mode="overwrite", **options)
    assert table() == [["100", "zz", "1.0", "1"]]
    frame = wr.athena.read_sql_query("SELECT * FROM features", database=database, s3_output=output,
                                     ctas_approach=False, boto3_session=session)
    assert frame.to_dict("records") == [{"id": 100, "region": "zz", "score": 1.0, "clicks": 1}]
    loaded = catalog_of(lakebox_server).load_table(f"{database}.features")
    assert loaded.scan().to_arrow().to_pylist() == [{"id": 100, "region": "zz", "score": 1.0, "clicks": 1}]
    assert [field.name for field in loaded.schema().fields] == ["id", "region", "score", "clicks"]
