"""Table and partition inputs as clients usually write them."""


def parquet_table(name, columns, partition_keys=(), location="s3://bucket/data/"):
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "PartitionKeys": [{"Name": n, "Type": t} for n, t in partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns],
            "Location": location,
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
        },
    }


def partition(values, location=None):
    return {"Values": list(values),
            "StorageDescriptor": {"Location": location or "s3://bucket/data/" + "/".join(values) + "/"}}
