"""A data team registers classifiers and a crawler for its landing bucket and meets Glue's
answers as recorded from AWS (radkawar/stackd testdata/aws/glue/controls_complete.json):
an updated CSV classifier keeps its LastUpdated (a JSON one moves it), and a crawler whose
S3 target names a bucket that does not exist is refused, quoting S3's 404."""
import uuid

from trip_helpers import error_of


def test_classifier_updates(client):
    glue = client("glue")
    csv_name, json_name = f"csv-{uuid.uuid4().hex[:8]}", f"json-{uuid.uuid4().hex[:8]}"
    glue.create_classifier(CsvClassifier={"Name": csv_name, "Delimiter": ",", "QuoteSymbol": '"',
                                          "ContainsHeader": "PRESENT", "Header": ["category", "amount"]})
    glue.create_classifier(JsonClassifier={"Name": json_name, "JsonPath": "$[*]"})
    try:
        assert error_of(glue.create_classifier, CsvClassifier={"Name": csv_name, "Delimiter": ","}) == (
            "AlreadyExistsException", f"Classifier {csv_name} already exists. already exists")
        glue.update_classifier(CsvClassifier={"Name": csv_name, "Delimiter": "|"})
        csv = glue.get_classifier(Name=csv_name)["Classifier"]["CsvClassifier"]
        assert (csv["Version"], csv["Delimiter"], csv["Serde"], "Header" in csv) == (2, "|", "None", False)
        assert csv["LastUpdated"] == csv["CreationTime"]
        glue.update_classifier(JsonClassifier={"Name": json_name, "JsonPath": "$.items[*]"})
        json_classifier = glue.get_classifier(Name=json_name)["Classifier"]["JsonClassifier"]
        assert (json_classifier["Version"], json_classifier["JsonPath"]) == (2, "$.items[*]")
        assert json_classifier["LastUpdated"] > json_classifier["CreationTime"]
    finally:
        glue.delete_classifier(Name=csv_name)
        glue.delete_classifier(Name=json_name)
    assert error_of(glue.get_classifier, Name=csv_name) == (
        "EntityNotFoundException", f"Classifier {csv_name} not found. not found.")


def test_a_crawler_on_a_missing_bucket(client, fresh_bucket):
    glue = client("glue")
    name, database = f"landing-{uuid.uuid4().hex[:8]}", f"landing_{uuid.uuid4().hex[:8]}"
    glue.create_database(DatabaseInput={"Name": database})
    missing = f"s3://never-made-{uuid.uuid4().hex[:10]}/never-scanned/"
    try:
        assert error_of(glue.create_crawler, Name=name, Role="glue-role", DatabaseName=database, Targets={}) == (
            "InvalidInputException", "Targets are not defined")
        code, message = error_of(glue.create_crawler, Name=name, Role="glue-role", DatabaseName=database,
                                 Targets={"S3Targets": [{"Path": missing}]})
        assert code == "InvalidInputException"
        assert message.startswith(f"Unable to validate s3 target {missing} because: Not Found (Service: Amazon S3; "
                                  "Status Code: 404; Error Code: 404 Not Found; Request ID: ")
        assert message.endswith("; Proxy: null)")
        assert error_of(glue.get_crawler, Name=name) == (
            "EntityNotFoundException", f"Crawler entry with name {name} does not exist")
        bucket = fresh_bucket("landing")
        glue.create_crawler(Name=name, Role="glue-role", DatabaseName=database,
                            Targets={"S3Targets": [{"Path": f"s3://{bucket}/raw/"}]})
        glue.delete_crawler(Name=name)
    finally:
        glue.delete_database(Name=database)


def test_partitions_answer_their_storage_defaults(client):
    """A partition's storage descriptor carries the defaults a table's does, and its
    CreationTime is in whole seconds (radkawar/stackd testdata/aws/glue/catalog_complete.json
    get-partitions-after-invalid-arity, batch-create-partial, batch-get-partial)."""
    glue = client("glue")
    database = f"sales_{uuid.uuid4().hex[:8]}"
    storage = {"Columns": [{"Name": "category", "Type": "string"}, {"Name": "amount", "Type": "int"}],
               "Location": "s3://sales-lake/data/", "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
               "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
               "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                             "Parameters": {"field.delim": ","}}}
    glue.create_database(DatabaseInput={"Name": database})
    try:
        glue.create_table(DatabaseName=database, TableInput={
            "Name": "sales", "TableType": "EXTERNAL_TABLE", "StorageDescriptor": storage,
            "PartitionKeys": [{"Name": "day", "Type": "string"}]})
        glue.create_partition(DatabaseName=database, TableName="sales", PartitionInput={
            "Values": ["2026-01-01"], "StorageDescriptor": dict(storage, Location="s3://sales-lake/data/day=1/")})
        assert glue.batch_create_partition(DatabaseName=database, TableName="sales", PartitionInputList=[
            {"Values": ["2026-01-01"], "StorageDescriptor": storage},
            {"Values": ["2026-01-02"], "StorageDescriptor": storage}])["Errors"] == [
            {"PartitionValues": ["2026-01-01"], "ErrorDetail": {"ErrorCode": "AlreadyExistsException",
                                                                "ErrorMessage": "Partition already exists."}}]
        got = glue.batch_get_partition(DatabaseName=database, TableName="sales", PartitionsToGet=[
            {"Values": ["2026-01-02"]}, {"Values": ["missing"]}, {"Values": ["2026-01-01"]}])["Partitions"]
        assert sorted(p["Values"][0] for p in got) == ["2026-01-01", "2026-01-02"]
        for partition in got + glue.get_partitions(DatabaseName=database, TableName="sales")["Partitions"]:
            described = partition["StorageDescriptor"]
            assert (described["Compressed"], described["NumberOfBuckets"], described["SortColumns"],
                    described["StoredAsSubDirectories"]) == (False, 0, [], False)
            assert partition["CreationTime"].microsecond == 0
    finally:
        glue.delete_database(Name=database)
