"""A Kinesis producer and consumer framing Avro records with the Glue Schema Registry's
Python serde library (aws-glue-schema-registry): the producer's serializer creates the
schema on first use, registers an evolved schema as a new version, refuses a version the
registry judges incompatible; the consumer finds each record's writer schema by the
version id in its header. The library tells "Schema is not found." from "Schema version
is not found." by Glue's exact messages, so the lookups must word them so."""
import uuid

import pytest

gsr = pytest.importorskip("aws_schema_registry")
from aws_schema_registry.avro import AvroSchema  # noqa: E402

V1 = {"type": "record", "name": "Reading", "namespace": "sensors",
      "fields": [{"name": "sensor", "type": "string"}, {"name": "value", "type": "double"}]}
V2 = dict(V1, fields=V1["fields"] + [{"name": "unit", "type": ["null", "string"], "default": None}])
V3 = dict(V1, fields=V2["fields"] + [{"name": "site", "type": "string"}])


@pytest.fixture
def registry(glue):
    name = f"serde-{uuid.uuid4().hex[:10]}"
    glue.create_registry(RegistryName=name)
    yield name
    glue.delete_registry(RegistryId={"RegistryName": name})


def test_kinesis_records_framed_with_schema_versions(glue, client, registry):
    kinesis = client("kinesis")
    stream = f"readings-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=stream, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=stream, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    try:
        registry_client = gsr.SchemaRegistryClient(glue, registry_name=registry, wait_interval_seconds=0.2,
                                                   max_wait_attempts=20)
        serializer = gsr.KafkaSerializer(registry_client)
        deserializer = gsr.KafkaDeserializer(registry_client)

        first = serializer.serialize(stream, gsr.DataAndSchema({"sensor": "a", "value": 1.5}, AvroSchema(V1)))
        second = serializer.serialize(stream, gsr.DataAndSchema({"sensor": "b", "value": 2.5, "unit": "C"},
                                                                AvroSchema(V2)))
        again = serializer.serialize(stream, gsr.DataAndSchema({"sensor": "c", "value": 0.5}, AvroSchema(V1)))
        for data in (first, second, again):
            kinesis.put_record(StreamName=stream, Data=data, PartitionKey="p")

        versions = glue.list_schema_versions(SchemaId={"RegistryName": registry, "SchemaName": f"{stream}-value"})
        assert sorted((v["VersionNumber"], v["Status"]) for v in versions["Schemas"]) == [
            (1, "AVAILABLE"), (2, "AVAILABLE")]

        with pytest.raises(gsr.SchemaRegistryException):
            serializer.serialize(stream, gsr.DataAndSchema({"sensor": "d", "value": 1.0, "site": "x"},
                                                           AvroSchema(V3)))

        shard = kinesis.describe_stream(StreamName=stream)["StreamDescription"]["Shards"][0]["ShardId"]
        iterator = kinesis.get_shard_iterator(StreamName=stream, ShardId=shard,
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        read = [deserializer.deserialize(stream, r["Data"]) for r in records]
        assert [(r.data["sensor"], r.data.get("unit")) for r in read] == [("a", None), ("b", "C"), ("c", None)]
        assert [r.schema.fqn for r in read] == ["sensors.Reading"] * 3
    finally:
        kinesis.delete_stream(StreamName=stream)


def test_json_records_round_trip_and_a_required_property_is_refused(glue, registry):
    from aws_schema_registry.jsonschema import JsonSchema
    order = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Order", "type": "object",
             "properties": {"id": {"type": "string"}, "qty": {"type": "integer"}}, "required": ["id"]}
    noted = dict(order, properties=dict(order["properties"], note={"type": "string"}))
    registry_client = gsr.SchemaRegistryClient(glue, registry_name=registry, wait_interval_seconds=0.2,
                                               max_wait_attempts=20)
    serializer = gsr.KafkaSerializer(registry_client)
    deserializer = gsr.KafkaDeserializer(registry_client)
    framed = [serializer.serialize("orders", gsr.DataAndSchema(data, JsonSchema(schema)))
              for data, schema in [({"id": "o1", "qty": 2}, order), ({"id": "o2", "note": "gift"}, noted)]]
    assert [deserializer.deserialize("orders", data).data for data in framed] == [
        {"id": "o1", "qty": 2}, {"id": "o2", "note": "gift"}]
    schema = glue.get_schema(SchemaId={"RegistryName": registry, "SchemaName": "orders-value"})
    assert (schema["DataFormat"], schema["Compatibility"], schema["LatestSchemaVersion"]) == ("JSON", "BACKWARD", 2)
    with pytest.raises(gsr.SchemaRegistryException):
        serializer.serialize("orders", gsr.DataAndSchema({"id": "o3", "note": "x"},
                                                         JsonSchema(dict(noted, required=["id", "note"]))))
