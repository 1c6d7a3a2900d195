"""The flows of AWS's DynamoDB batching demo and hello example for Python
(awsdocs/aws-doc-sdk-examples, python/example_code/dynamodb/batching and hello): two
tables filled through batch_writer (actors carry string sets), one BatchGetItem of 100
keys across both tables whose UnprocessedKeys the demo reads, an archive table created
from the movie table's own key schema, attribute definitions and throughput, the
ValidationException a batch with duplicate keys gets, batch_writer's overwrite_by_pkeys,
batched deletes, and ListTables through the paginator."""
import uuid
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError


def _create(resource, name, schema):
    table = resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": n, "KeyType": k} for n, k, _ in schema],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, _, t in schema],
        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10})
    table.wait_until_exists()
    return table


@pytest.fixture
def tables(resource):
    made = []

    def make(name, schema):
        made.append(_create(resource, name, schema))
        return made[-1]
    yield make
    for table in made:
        try:
            table.delete()
        except ClientError:
            pass


def test_batching_demo(resource, tables):
    suffix = uuid.uuid4().hex[:8]
    movies = tables(f"demo-batch-movies-{suffix}", [("year", "HASH", "N"), ("title", "RANGE", "S")])
    actors = tables(f"demo-batch-actors-{suffix}", [("name", "HASH", "S")])
    movie_data = [{"year": 2000 + n % 7, "title": f"Movie {n}", "info": {"rating": Decimal("6.5"),
                                                                         "actors": [f"Actor {n}", f"Actor {n + 1}"]}}
                  for n in range(80)]
    actor_data = [{"name": f"Actor {n}", "directors": {"Director A", f"Director {n}"},
                   "costars": {f"Actor {n + 1}"}} for n in range(60)]
    with movies.batch_writer() as writer:
        for item in movie_data:
            writer.put_item(Item=item)
    with actors.batch_writer() as writer:
        for item in actor_data:
            writer.put_item(Item=item)

    got = resource.batch_get_item(RequestItems={
        movies.name: {"Keys": [{"year": m["year"], "title": m["title"]} for m in movie_data[:50]]},
        actors.name: {"Keys": [{"name": a["name"]} for a in actor_data[:50]]}})
    assert got["UnprocessedKeys"] == {}
    assert sorted(m["title"] for m in got["Responses"][movies.name]) == sorted(m["title"] for m in movie_data[:50])
    by_name = {a["name"]: a for a in got["Responses"][actors.name]}
    assert len(by_name) == 50 and by_name["Actor 3"]["directors"] == {"Director A", "Director 3"}

    movies.load()
    archive = resource.create_table(
        TableName=f"{movies.name}-archive", KeySchema=movies.key_schema,
        AttributeDefinitions=movies.attribute_definitions,
        ProvisionedThroughput={"ReadCapacityUnits": movies.provisioned_throughput["ReadCapacityUnits"],
                               "WriteCapacityUnits": movies.provisioned_throughput["WriteCapacityUnits"]})
    archive.wait_until_exists()
    try:
        twice = movie_data[:10] + movie_data[:10]
        with pytest.raises(ClientError) as duplicated:
            with archive.batch_writer() as writer:
                for item in twice:
                    writer.put_item(Item=item)
        assert duplicated.value.response["Error"] == {
            "Code": "ValidationException", "Message": "Provided list of item keys contains duplicates"}
        assert archive.scan(Select="COUNT")["Count"] == 0

        with archive.batch_writer(overwrite_by_pkeys=["year", "title"]) as writer:
            for item in twice:
                writer.put_item(Item=item)
        with movies.batch_writer(overwrite_by_pkeys=["year", "title"]) as writer:
            for item in twice:
                writer.delete_item(Key={"year": item["year"], "title": item["title"]})
        assert archive.scan(Select="COUNT")["Count"] == 10
        assert movies.scan(Select="COUNT")["Count"] == 70
    finally:
        archive.delete()


def test_hello_dynamodb_lists_tables_through_the_paginator(resource, tables):
    names = {tables(f"hello-{uuid.uuid4().hex[:8]}", [("id", "HASH", "S")]).name for _ in range(3)}
    client = resource.meta.client
    listed = [n for page in client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
              for n in page["TableNames"]]
    assert names <= set(listed)
    assert listed == sorted(listed)
