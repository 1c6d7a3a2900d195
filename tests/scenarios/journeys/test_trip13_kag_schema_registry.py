"""A platform team sets up a Glue Schema Registry for its event streams, and meets Glue's
answers as recorded from AWS (radkawar/stackd testdata/aws/glue/registry_complete.json,
registry_boundaries.json, registry.json): schemas need a compatibility and a definition,
a definition spaced or ordered otherwise is the version already there, the diff of two
versions is a JSON Patch, an incompatible version is kept as FAILURE (counted in the
schema's latest and next versions, while a LatestVersion lookup skips it), metadata named
by a version's id, and the errors in Glue's words."""
import json
import uuid

import pytest
from trip_helpers import error_of

ITEM = {"type": "record", "name": "Item", "fields": [{"name": "value", "type": "int"}]}
ITEM_NOTE = {"type": "record", "name": "Item", "fields": [
    {"name": "value", "type": "int"}, {"name": "note", "type": ["null", "string"], "default": None}]}
ITEM_TEXT = {"type": "record", "name": "Item", "fields": [{"name": "value", "type": "string"}]}
JSON_VALUE = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
              "properties": {"value": {"type": "integer"}}, "additionalProperties": False}
PROTO = 'syntax = "proto3"; message Item { string value = 1; }'
JACKSON_NOT = ("Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', "
               "'true' or 'false')\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` "
               "disabled); line: 1, column: 4]")


@pytest.fixture
def registry(client):
    glue = client("glue")
    name = f"events-{uuid.uuid4().hex[:10]}"
    glue.create_registry(RegistryName=name, Description="owned")
    yield name
    glue.delete_registry(RegistryId={"RegistryName": name})


def test_schemas_are_created_with_a_compatibility_and_a_definition(client, registry):
    glue = client("glue")
    reg = {"RegistryName": registry}
    assert error_of(glue.create_registry, RegistryName=registry) == (
        "AlreadyExistsException", f"Registry already exists. RegistryName: {registry}")
    for data_format, name, definition in [("AVRO", "avro", json.dumps(ITEM)), ("JSON", "json", json.dumps(JSON_VALUE)),
                                          ("PROTOBUF", "protobuf", PROTO)]:
        assert glue.check_schema_version_validity(DataFormat=data_format, SchemaDefinition=definition)["Valid"]
        assert error_of(glue.create_schema, RegistryId=reg, SchemaName=name, DataFormat=data_format,
                        SchemaDefinition=definition) == ("InvalidInputException", "Compatibility is not valid.")
        created = glue.create_schema(RegistryId=reg, SchemaName=name, DataFormat=data_format,
                                     Compatibility="BACKWARD", SchemaDefinition=definition)
        assert (created["SchemaCheckpoint"], created["LatestSchemaVersion"], created["NextSchemaVersion"],
                created["SchemaVersionStatus"]) == (1, 1, 2, "AVAILABLE")
    for data_format in ("AVRO", "JSON"):
        answer = glue.check_schema_version_validity(DataFormat=data_format, SchemaDefinition="not a schema")
        assert (answer["Valid"], answer["Error"]) == (False, JACKSON_NOT)
    answer = glue.check_schema_version_validity(DataFormat="PROTOBUF", SchemaDefinition="not a schema")
    assert (answer["Valid"], answer["Error"]) == (False, "Syntax error in :1:1: unexpected label: not")

    assert error_of(glue.create_schema, RegistryId=reg, SchemaName="empty", DataFormat="AVRO",
                    Compatibility="BACKWARD") == (
        "InvalidInputException",
        "The resource name contains too many or too few characters. Parameter Name: schemaDefinition")
    assert error_of(glue.get_schema, SchemaId={**reg, "SchemaName": "empty"}) == (
        "EntityNotFoundException", f"Schema is not found. RegistryName: {registry}, SchemaName: empty, SchemaArn: null")
    assert error_of(glue.delete_schema, SchemaId={**reg, "SchemaName": "empty"})[1].startswith("Schema is not found.")
    assert error_of(glue.create_schema, RegistryId=reg, SchemaName="avro", DataFormat="AVRO",
                    Compatibility="BACKWARD", SchemaDefinition=json.dumps(ITEM)) == (
        "AlreadyExistsException", "Schema already exists. SchemaName: avro")
    assert error_of(glue.get_schema, SchemaId={"RegistryName": f"{registry}-missing", "SchemaName": "avro"}) == (
        "EntityNotFoundException", f"Registry is not found. RegistryName: {registry}-missing")
    assert error_of(glue.get_registry, RegistryId={"RegistryName": f"{registry}-missing"}) == (
        "EntityNotFoundException", f"Registry is not found. RegistryName: {registry}-missing, RegistryArn: null")


def test_an_avro_schema_evolves(client, registry):
    glue = client("glue")
    schema = {"RegistryName": registry, "SchemaName": "avro"}
    first = glue.create_schema(RegistryId={"RegistryName": registry}, SchemaName="avro", DataFormat="AVRO",
                               Compatibility="BACKWARD", SchemaDefinition=json.dumps(ITEM))["SchemaVersionId"]
    # spaced and ordered otherwise, the definition is version 1
    reordered = json.dumps(ITEM, indent=2, sort_keys=True)
    assert glue.register_schema_version(SchemaId=schema, SchemaDefinition=reordered)["SchemaVersionId"] == first
    assert glue.get_schema_by_definition(SchemaId=schema, SchemaDefinition=reordered)["SchemaVersionId"] == first

    second = glue.register_schema_version(SchemaId=schema, SchemaDefinition=json.dumps(ITEM_NOTE))
    assert (second["VersionNumber"], second["Status"]) == (2, "AVAILABLE")
    third = glue.register_schema_version(SchemaId=schema, SchemaDefinition=json.dumps(ITEM_TEXT))
    assert (third["VersionNumber"], third["Status"]) == (3, "FAILURE")
    assert glue.get_schema_versions_diff(
        SchemaId=schema, FirstSchemaVersionNumber={"VersionNumber": 1}, SecondSchemaVersionNumber={"VersionNumber": 2},
        SchemaDiffType="SYNTAX_DIFF")["Diff"] == (
        '[{"op":"add","path":"/fields/1","value":{"name":"note","type":["null","string"],"default":null}}]')
    got = glue.get_schema(SchemaId=schema)
    assert (got["SchemaCheckpoint"], got["LatestSchemaVersion"], got["NextSchemaVersion"]) == (1, 3, 4)
    latest = glue.get_schema_version(SchemaId=schema, SchemaVersionNumber={"LatestVersion": True})
    assert latest["SchemaVersionId"] == second["SchemaVersionId"]

    owner = {"MetadataKey": "owner", "MetadataValue": "one"}
    put = glue.put_schema_version_metadata(SchemaVersionId=first, MetadataKeyValue=owner)
    put.pop("ResponseMetadata")
    assert put == {"LatestVersion": False, "VersionNumber": 0, "SchemaVersionId": first, **owner}
    assert error_of(glue.put_schema_version_metadata, SchemaVersionId=first, MetadataKeyValue=owner) == (
        "AlreadyExistsException",
        f"Resource already exist for schema version id: {first}, metadata key: owner, metadata value: one")
    assert error_of(glue.remove_schema_version_metadata, SchemaVersionId=first,
                    MetadataKeyValue={"MetadataKey": "owner", "MetadataValue": "missing"}) == (
        "EntityNotFoundException", f"Metadata is not found for the schema version. SchemaVersionId: {first} ")

    assert error_of(glue.update_schema, SchemaId=schema, Compatibility="NONE") == (
        "InvalidInputException", "Schema version checkpoint is missing.")
    assert error_of(glue.delete_schema_versions, SchemaId=schema, Versions="1") == (
        "InvalidInputException", "Cannot delete checkpoint version.")
    assert glue.delete_schema_versions(SchemaId=schema, Versions="999")["SchemaVersionErrors"] == [
        {"VersionNumber": 999, "ErrorDetails": {"ErrorCode": "ResourceNotFoundException",
                                                "ErrorMessage": "Version number not found"}}]
    assert glue.delete_schema_versions(SchemaId=schema, Versions="2")["SchemaVersionErrors"] == []
    assert sorted((v["VersionNumber"], v["Status"]) for v in glue.list_schema_versions(
        SchemaId=schema, MaxResults=10)["Schemas"]) == [(1, "AVAILABLE"), (3, "FAILURE")]


def test_a_json_schema_reordered_is_the_same_version(client, registry):
    glue = client("glue")
    created = glue.create_schema(RegistryId={"RegistryName": registry}, SchemaName="json", DataFormat="JSON",
                                 Compatibility="BACKWARD", SchemaDefinition=json.dumps(JSON_VALUE))
    again = glue.register_schema_version(SchemaId={"RegistryName": registry, "SchemaName": "json"},
                                         SchemaDefinition=json.dumps(JSON_VALUE, indent=2, sort_keys=True))
    assert (again["SchemaVersionId"], again["VersionNumber"], again["Status"]) == (
        created["SchemaVersionId"], 1, "AVAILABLE")


@pytest.mark.parametrize("mode", ["BACKWARD_ALL", "FULL_ALL"])
def test_all_modes_judge_in_the_background(client, registry, mode):
    glue = client("glue")
    schema = {"RegistryName": registry, "SchemaName": mode.lower()}
    glue.create_schema(RegistryId={"RegistryName": registry}, SchemaName=mode.lower(), DataFormat="AVRO",
                       Compatibility=mode, SchemaDefinition=json.dumps(ITEM))
    compatible = glue.register_schema_version(SchemaId=schema, SchemaDefinition=json.dumps(ITEM_NOTE))
    incompatible = glue.register_schema_version(SchemaId=schema, SchemaDefinition=json.dumps(ITEM_TEXT))
    assert [(v["VersionNumber"], v["Status"]) for v in (compatible, incompatible)] == [(2, "PENDING"), (3, "PENDING")]
    assert glue.get_schema_version(SchemaVersionId=incompatible["SchemaVersionId"])["Status"] == "FAILURE"
    again = glue.register_schema_version(SchemaId=schema, SchemaDefinition=json.dumps(ITEM_TEXT))
    assert (again["SchemaVersionId"], again["VersionNumber"], again["Status"]) == (
        incompatible["SchemaVersionId"], 3, "FAILURE")
    latest = glue.get_schema_version(SchemaId=schema, SchemaVersionNumber={"LatestVersion": True})
    assert (latest["SchemaVersionId"], latest["VersionNumber"], latest["Status"]) == (
        compatible["SchemaVersionId"], 2, "AVAILABLE")
