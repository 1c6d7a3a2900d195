"""The flows of AWS's DynamoDB examples for Python (awsdocs/aws-doc-sdk-examples,
python/example_code/dynamodb): the getting-started movies scenario through the boto3
resource (Table.load to test existence, create_table with year/title keys and
provisioned throughput plus wait_until_exists, put/get/update with ReturnValues
UPDATED_NEW on nested info fields, a batch_writer load, a Key('year').eq query, a
paged scan with a between filter and a #yr projection, delete_item, table delete and
tables.all()); update_and_query's counter and conditional updates; and the PartiQL
single-statement and batch scenarios."""
import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError


def _movie(year, title, rating, actors=()):
    return {"year": year, "title": title,
            "info": {"plot": f"plot of {title}", "rating": Decimal(str(rating)), "actors": list(actors)}}


@pytest.fixture
def movies(resource):
    name = f"doc-example-table-movies-{uuid.uuid4().hex[:8]}"
    with pytest.raises(ClientError) as missing:
        resource.Table(name).load()
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    table = resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "year", "KeyType": "HASH"}, {"AttributeName": "title", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "year", "AttributeType": "N"},
                              {"AttributeName": "title", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 10, "WriteCapacityUnits": 10})
    table.wait_until_exists()
    yield table
    try:
        table.delete()
    except ClientError:
        pass


def test_getting_started_movies_scenario(resource, movies):
    movies.load()
    assert movies.table_status == "ACTIVE"
    assert movies.name in [t.name for t in resource.tables.all()]

    movies.put_item(Item=_movie(2023, "My Movie", 7.5))
    updated = movies.update_item(
        Key={"year": 2023, "title": "My Movie"}, UpdateExpression="set info.rating=:r, info.plot=:p",
        ExpressionAttributeValues={":r": Decimal("9.1"), ":p": "better plot"}, ReturnValues="UPDATED_NEW")
    assert updated["Attributes"] == {"info": {"rating": Decimal("9.1"), "plot": "better plot"}}

    with movies.batch_writer() as writer:
        for n in range(60):
            writer.put_item(Item=_movie(1990 + n % 20, f"Title {n}", 1 + n % 9))
        writer.put_item(Item=_movie(2001, "The Lord of the Rings: The Fellowship of the Ring", 8.8))

    found = movies.get_item(Key={"year": 2001, "title": "The Lord of the Rings: The Fellowship of the Ring"})
    assert found["Item"]["info"]["rating"] == Decimal("8.8")
    assert "Item" not in movies.get_item(Key={"year": 1900, "title": "absent"})

    in_1995 = movies.query(KeyConditionExpression=Key("year").eq(1995))["Items"]
    assert sorted(m["title"] for m in in_1995) == ["Title 25", "Title 45", "Title 5"]

    scanned, args = [], {"FilterExpression": Key("year").between(1992, 1994),
                         "ProjectionExpression": "#yr, title, info.rating",
                         "ExpressionAttributeNames": {"#yr": "year"}, "Limit": 7}
    while True:
        page = movies.scan(**args)
        scanned.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        args["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert len(scanned) == 9
    assert all(set(m) == {"year", "title", "info"} and set(m["info"]) == {"rating"} for m in scanned)

    movies.delete_item(Key={"year": 2023, "title": "My Movie"})
    assert "Item" not in movies.get_item(Key={"year": 2023, "title": "My Movie"})
    movies.delete()
    movies.wait_until_not_exists()
    assert movies.name not in [t.name for t in resource.tables.all()]


def test_update_and_query_conditional_and_counter_updates(movies):
    movies.put_item(Item=_movie(2010, "Counted", 5, actors=["a", "b"]))
    bumped = movies.update_item(Key={"year": 2010, "title": "Counted"}, UpdateExpression="set info.rating = info.rating + :val",
                                ExpressionAttributeValues={":val": Decimal("0.5")}, ReturnValues="UPDATED_NEW")
    assert bumped["Attributes"] == {"info": {"rating": Decimal("5.5")}}

    with pytest.raises(ClientError) as refused:
        movies.update_item(Key={"year": 2010, "title": "Counted"}, UpdateExpression="remove info.actors[0]",
                           ConditionExpression="size(info.actors) > :num",
                           ExpressionAttributeValues={":num": 2}, ReturnValues="ALL_NEW")
    assert refused.value.response["Error"] == {"Code": "ConditionalCheckFailedException",
                                               "Message": "The conditional request failed"}
    trimmed = movies.update_item(Key={"year": 2010, "title": "Counted"}, UpdateExpression="remove info.actors[0]",
                                 ConditionExpression="size(info.actors) >= :num",
                                 ExpressionAttributeValues={":num": 2}, ReturnValues="ALL_NEW")
    assert trimmed["Attributes"]["info"]["actors"] == ["b"]


def test_conditional_delete_keeps_a_well_rated_movie(movies):
    movies.put_item(Item=_movie(2015, "Well Rated", 8))
    with pytest.raises(ClientError) as refused:
        movies.delete_item(Key={"year": 2015, "title": "Well Rated"}, ConditionExpression="info.rating <= :val",
                           ExpressionAttributeValues={":val": Decimal(5)})
    assert refused.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert "Item" in movies.get_item(Key={"year": 2015, "title": "Well Rated"})
    movies.delete_item(Key={"year": 2015, "title": "Well Rated"}, ConditionExpression="info.rating <= :val",
                       ExpressionAttributeValues={":val": Decimal(9)})
    assert "Item" not in movies.get_item(Key={"year": 2015, "title": "Well Rated"})


def test_query_and_project_movies_with_a_title_range(movies):
    for title, genres in (("Alpha", ["Drama"]), ("Kilo", ["Comedy", "Drama"]), ("Mike", ["Horror"])):
        item = _movie(2013, title, 7, actors=[f"{title} lead", f"{title} support"])
        item["info"]["genres"] = genres
        movies.put_item(Item=item)
    found = movies.query(
        KeyConditionExpression=Key("year").eq(2013) & Key("title").between("A", "L"),
        ProjectionExpression="#yr, title, info.genres, info.actors[0]",
        ExpressionAttributeNames={"#yr": "year"})["Items"]
    assert found == [
        {"year": 2013, "title": "Alpha", "info": {"genres": ["Drama"], "actors": ["Alpha lead"]}},
        {"year": 2013, "title": "Kilo", "info": {"genres": ["Comedy", "Drama"], "actors": ["Kilo lead"]}}]


def test_partiql_single_and_batch_scenarios(resource, movies):
    # As in the example, the statements go through the resource's client, which
    # serializes plain Python parameters and deserializes the items it returns.
    client = resource.meta.client
    name = movies.name
    client.execute_statement(Statement=f'INSERT INTO "{name}" VALUE {{\'title\': ?, \'year\': ?, \'info\': ?}}',
                             Parameters=["PartiQL", 2020, {"rating": Decimal("3")}])
    got = client.execute_statement(Statement=f'SELECT * FROM "{name}" WHERE title=? AND year=?',
                                   Parameters=["PartiQL", 2020])["Items"]
    assert got == [{"title": "PartiQL", "year": 2020, "info": {"rating": 3}}]
    client.execute_statement(Statement=f'UPDATE "{name}" SET info.rating=? WHERE title=? AND year=?',
                             Parameters=[Decimal("7"), "PartiQL", 2020])

    titles = [("Batch A", 2021), ("Batch B", 2022)]
    inserted = client.batch_execute_statement(Statements=[
        {"Statement": f'INSERT INTO "{name}" VALUE {{\'title\': ?, \'year\': ?}}', "Parameters": [t, y]}
        for t, y in titles])
    assert all("Error" not in r for r in inserted["Responses"])
    selected = client.batch_execute_statement(Statements=[
        {"Statement": f'SELECT * FROM "{name}" WHERE title=? AND year=?', "Parameters": [t, y]}
        for t, y in titles + [("PartiQL", 2020)]])
    assert [r["Item"]["title"] for r in selected["Responses"]] == ["Batch A", "Batch B", "PartiQL"]
    assert selected["Responses"][2]["Item"]["info"] == {"rating": 7}
    deleted = client.batch_execute_statement(Statements=[
        {"Statement": f'DELETE FROM "{name}" WHERE title=? AND year=?', "Parameters": [t, y]} for t, y in titles])
    assert all("Error" not in r for r in deleted["Responses"])
    assert movies.scan(Select="COUNT")["Count"] == 1
