"""The Data Catalog resources a Glue request is judged on for session policies: the
resource and all its ancestors, root first (AWS Glue Developer Guide, "Specifying AWS
Glue resource ARNs")."""
import pytest

from lakebox.services.glue.hooks import catalog_resources, registry_resources

CATALOG = "arn:aws:glue:us-east-1:111122223333:catalog"
DATABASE = "arn:aws:glue:us-east-1:111122223333:database/sales"
TABLE = "arn:aws:glue:us-east-1:111122223333:table/sales/orders"


@pytest.mark.parametrize("operation, params, expected", [
    ("CreateTable", {"DatabaseName": "Sales", "TableInput": {"Name": "Orders"}}, [CATALOG, DATABASE, TABLE]),
    ("UpdateTable", {"DatabaseName": "sales", "TableInput": {"Name": "orders"}}, [CATALOG, DATABASE, TABLE]),
    ("GetTable", {"DatabaseName": "sales", "Name": "orders"}, [CATALOG, DATABASE, TABLE]),
    ("BatchCreatePartition", {"DatabaseName": "sales", "TableName": "orders"}, [CATALOG, DATABASE, TABLE]),
    ("GetTables", {"DatabaseName": "sales"}, [CATALOG, DATABASE]),
    ("GetDatabase", {"Name": "sales"}, [CATALOG, DATABASE]),
    ("CreateDatabase", {"DatabaseInput": {"Name": "sales"}}, [CATALOG, DATABASE]),
    ("GetDatabases", {}, [CATALOG]),
    ("CreateCrawler", {"Name": "c", "DatabaseName": "sales"}, None),
    ("StartCrawler", {"Name": "c"}, None),
])
def test_resource_and_its_ancestors(operation, params, expected):
    assert catalog_resources(operation, params, "111122223333", "us-east-1") == expected


def test_another_accounts_catalog_by_catalog_id():
    assert catalog_resources("GetTable", {"CatalogId": "444455556666", "DatabaseName": "d", "Name": "t"},
                             "111122223333", "eu-west-1") == [
        "arn:aws:glue:eu-west-1:444455556666:catalog", "arn:aws:glue:eu-west-1:444455556666:database/d",
        "arn:aws:glue:eu-west-1:444455556666:table/d/t"]


REGISTRY = "arn:aws:glue:us-east-1:111122223333:registry/streams"
SCHEMA = "arn:aws:glue:us-east-1:111122223333:schema/streams/clicks"


@pytest.mark.parametrize("operation, params, expected", [
    ("CreateSchema", {"RegistryId": {"RegistryName": "streams"}, "SchemaName": "clicks"}, [REGISTRY, SCHEMA]),
    ("CreateSchema", {"RegistryId": {"RegistryArn": REGISTRY}, "SchemaName": "clicks"}, [REGISTRY, SCHEMA]),
    ("CreateSchema", {"SchemaName": "clicks"}, [REGISTRY.replace("streams", "default-registry"),
                                                SCHEMA.replace("streams", "default-registry")]),
    ("RegisterSchemaVersion", {"SchemaId": {"RegistryName": "streams", "SchemaName": "clicks"}}, [SCHEMA]),
    ("GetSchema", {"SchemaId": {"SchemaArn": SCHEMA}}, [SCHEMA]),
    ("GetRegistry", {"RegistryId": {"RegistryName": "streams"}}, [REGISTRY]),
    ("DeleteRegistry", {"RegistryId": {"RegistryArn": REGISTRY}}, [REGISTRY]),
    ("GetSchemaVersion", {"SchemaVersionId": "0" * 36}, None),
])
def test_schema_registry_resources(operation, params, expected):
    assert registry_resources(operation, params, "111122223333", "us-east-1") == expected
