"""A SQL IDE's schema browser over Athena, as DBeaver-style tools and pyathena's
SQLAlchemy dialect drive the metadata API: it lists the data catalogs (AwsDataCatalog
first, then the LAMBDA, HIVE and GLUE catalogs the platform team registered, paged),
reads one back, tags it; walks the AwsDataCatalog's databases page by page; lists a
database's tables with ListTableMetadata, filtered by an Expression the way Glue's
GetTables reads one (`*` any text, `|` between alternatives, any case) and paged; shows a
table's columns, partition keys and storage parameters; and tells a missing table from a
present one by GetTableMetadata's MetadataException, whose message carries Glue's
EntityNotFoundException as the Java SDK prints it (the envelope pyathena and noctua parse).
Facts: the Athena API reference (CreateDataCatalog, ListTableMetadata, MetadataException)
and replies recorded from Athena in public issue threads."""
import re
import uuid

import pytest

from athenaops_helpers import athena_refusal

ENTITY_NOT_FOUND = re.compile(r"Entity Not Found \(Service: AmazonDataCatalog; Status Code: 400; "
                              r"Error Code: EntityNotFoundException; Request ID: [0-9a-f-]{36}; Proxy: null\)")


def table_input(name, location, partitions=()):
    return {"Name": name, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
            "PartitionKeys": [{"Name": p, "Type": "string"} for p in partitions],
            "StorageDescriptor": {
                "Columns": [{"Name": "id", "Type": "bigint", "Comment": "event id"}, {"Name": "body", "Type": "string"}],
                "Location": location,
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                              "Parameters": {"serialization.format": "1"}}}}


@pytest.fixture
def catalogs(client):
    athena = client("athena")
    suffix = uuid.uuid4().hex[:6]
    names = {"lambda": f"dynamo_{suffix}", "hive": f"onprem_{suffix}", "glue": f"shared_{suffix}"}
    yield names
    for name in names.values():
        try:
            athena.delete_data_catalog(Name=name)
        except athena.exceptions.InvalidRequestException:
            pass


def test_schema_browser_walks_catalogs_databases_and_tables(client, bucket, database, catalogs):
    athena, glue = client("athena"), client("glue")
    account = client("sts").get_caller_identity()["Account"]
    function = f"arn:aws:lambda:us-east-1:{account}:function:dynamo-connector"
    made = athena.create_data_catalog(Name=catalogs["lambda"], Type="LAMBDA", Description="DynamoDB tables",
                                      Parameters={"function": function},
                                      Tags=[{"Key": "owner", "Value": "platform"}])["DataCatalog"]
    assert made == {"Name": catalogs["lambda"], "Type": "LAMBDA", "Description": "DynamoDB tables",
                    "Parameters": {"catalog": catalogs["lambda"], "metadata-function": function,
                                   "record-function": function}}
    athena.create_data_catalog(Name=catalogs["hive"], Type="HIVE",
                               Parameters={"metadata-function": f"arn:aws:lambda:us-east-1:{account}:function:hms"})
    athena.create_data_catalog(Name=catalogs["glue"], Type="GLUE", Parameters={"catalog-id": "123456789012"})

    summaries = [page["DataCatalogsSummary"] for page in athena.get_paginator("list_data_catalogs").paginate(
        PaginationConfig={"PageSize": 2})]
    listed = [(s["CatalogName"], s["Type"]) for page in summaries for s in page]
    assert listed[0] == ("AwsDataCatalog", "GLUE")
    assert {catalogs["lambda"]: "LAMBDA", catalogs["hive"]: "HIVE", catalogs["glue"]: "GLUE"}.items() <= dict(
        listed).items()
    assert all(len(page) <= 2 for page in summaries)
    assert athena.get_data_catalog(Name="AwsDataCatalog")["DataCatalog"] == {
        "Name": "AwsDataCatalog", "Description": "AWS Glue Data Catalog", "Type": "GLUE",
        "Parameters": {"catalog-id": account}}
    arn = f"arn:aws:athena:us-east-1:{account}:datacatalog/{catalogs['lambda']}"
    assert athena.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "owner", "Value": "platform"}]
    athena.tag_resource(ResourceARN=arn, Tags=[{"Key": "tier", "Value": "gold"}])
    assert sorted(t["Key"] for t in athena.list_tags_for_resource(ResourceARN=arn)["Tags"]) == ["owner", "tier"]

    # Databases, a page at a time; the browser opens the lake's one.
    pages = list(athena.get_paginator("list_databases").paginate(CatalogName="AwsDataCatalog",
                                                                 PaginationConfig={"PageSize": 1}))
    assert all(len(page["DatabaseList"]) == 1 for page in pages)
    assert database in [db["Name"] for page in pages for db in page["DatabaseList"]]
    assert athena.get_database(CatalogName="AwsDataCatalog", DatabaseName=database)["Database"] == {"Name": database}

    for name in ("events_2023", "events_2024", "Events_archive", "users", "user_sessions"):
        glue.create_table(DatabaseName=database, TableInput=table_input(
            name.lower(), f"s3://{bucket}/lake/{name.lower()}/", partitions=("dt",) if "events" in name else ()))

    def names(**kwargs):
        pages = athena.get_paginator("list_table_metadata").paginate(
            CatalogName="AwsDataCatalog", DatabaseName=database, **kwargs)
        return [t["Name"] for page in pages for t in page["TableMetadataList"]]

    assert names() == ["events_2023", "events_2024", "events_archive", "user_sessions", "users"]
    assert names(Expression="events*") == ["events_2023", "events_2024", "events_archive"]
    assert names(Expression="EVENTS_20*") == ["events_2023", "events_2024"]
    assert names(Expression="users|events_2024") == ["events_2024", "users"]
    assert names(Expression="user.*") == ["user_sessions", "users"]
    assert names(Expression="sessions") == []
    first = athena.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database, MaxResults=2)
    assert [t["Name"] for t in first["TableMetadataList"]] == ["events_2023", "events_2024"]
    rest = athena.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database, MaxResults=2,
                                      NextToken=first["NextToken"])
    assert [t["Name"] for t in rest["TableMetadataList"]] == ["events_archive", "user_sessions"]

    shown = athena.get_table_metadata(CatalogName="AwsDataCatalog", DatabaseName=database,
                                      TableName="events_2024")["TableMetadata"]
    assert shown["Columns"] == [{"Name": "id", "Type": "bigint", "Comment": "event id"},
                                {"Name": "body", "Type": "string"}]
    assert shown["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    assert shown["TableType"] == "EXTERNAL_TABLE"
    assert shown["Parameters"] == {
        "classification": "parquet", "location": f"s3://{bucket}/lake/events_2024/",
        "inputformat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "outputformat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "serde.serialization.lib": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "serde.param.serialization.format": "1"}

    # has_table: a MetadataException means "no such table".
    code, _, message = athena_refusal(athena.get_table_metadata, CatalogName="AwsDataCatalog",
                                      DatabaseName=database, TableName="events_2025")
    assert code == "MetadataException" and ENTITY_NOT_FOUND.fullmatch(message), message
    glue.delete_table(DatabaseName=database, Name="events_2023")
    code, _, message = athena_refusal(athena.get_table_metadata, CatalogName="AwsDataCatalog",
                                      DatabaseName=database, TableName="events_2023")
    assert code == "MetadataException" and ENTITY_NOT_FOUND.fullmatch(message), message

    # The team retires the on-premises catalog.
    gone = athena.delete_data_catalog(Name=catalogs["hive"])["DataCatalog"]
    assert (gone["Name"], gone["Type"]) == (catalogs["hive"], "HIVE")
    assert catalogs["hive"] not in [s["CatalogName"] for s in athena.list_data_catalogs()["DataCatalogsSummary"]]
