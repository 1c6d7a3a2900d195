"""Iceberg tables with array, map and struct columns (Athena supports list, map and
struct in Iceberg tables): created, written, read and evolved through Athena, with field
ids for every nested part, and read and appended to by pyiceberg."""
import json

import pyarrow as pa
import pytest

from athena_helpers import pyiceberg_catalog


@pytest.fixture
def catalog(lakebox_server):
    return pyiceberg_catalog(lakebox_server)


def _create(query, bucket):
    query(f"""CREATE TABLE people (id int, tags array<string>, scores map<string,int>,
                                   address struct<city:string,zip:int>)
              LOCATION 's3://{bucket}/iceberg/people/' TBLPROPERTIES ('table_type'='ICEBERG')""")
    query("""INSERT INTO people VALUES
             (1, ARRAY['a', 'b'], MAP(ARRAY['math'], ARRAY[9]), CAST(ROW('Paris', 75001) AS ROW(city varchar, zip int))),
             (2, ARRAY[], NULL, NULL)""")


def test_nested_columns_are_created_with_field_ids_and_read_back(query, glue, s3, bucket, database):
    _create(query, bucket)
    table = glue.get_table(DatabaseName=database, Name="people")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("id", "int"), ("tags", "array<string>"), ("scores", "map<string,int>"),
        ("address", "struct<city:string,zip:int>")]
    bucket_name, key = table["Parameters"]["metadata_location"][len("s3://"):].split("/", 1)
    metadata = json.loads(s3.get_object(Bucket=bucket_name, Key=key)["Body"].read())
    fields = metadata["schemas"][0]["fields"]
    assert [field["id"] for field in fields] == [1, 2, 3, 4]
    assert fields[1]["type"] == {"type": "list", "element-id": 5, "element": "string", "element-required": False}
    assert fields[2]["type"] == {"type": "map", "key-id": 6, "key": "string", "value-id": 7, "value": "int",
                                 "value-required": False}
    assert fields[3]["type"]["fields"] == [{"id": 8, "name": "city", "required": False, "type": "string"},
                                           {"id": 9, "name": "zip", "required": False, "type": "int"}]
    assert metadata["last-column-id"] == 9
    _, rows, _ = query("SELECT id, tags, scores['math'], address.city, cardinality(tags) FROM people ORDER BY id")
    assert rows[1:] == [["1", "[a, b]", "9", "Paris", "2"], ["2", "[]", None, None, "0"]]
    _, rows, _ = query("DESCRIBE people")
    assert [row[1] for row in rows[2:6]] == ["int", "array<string>", "map<string, int>",
                                             "struct<city: string, zip: int>"]    # Iceberg's spelling


def test_nested_columns_evolve_and_take_dml(query, bucket):
    _create(query, bucket)
    query("ALTER TABLE people ADD COLUMNS (history array<struct<year:int,place:string>>)")
    query("ALTER TABLE people CHANGE tags labels array<string>")
    query("INSERT INTO people (id, labels, history) VALUES (3, ARRAY['c'], "
          "ARRAY[CAST(ROW(2020, 'Lyon') AS ROW(year int, place varchar))])")
    query("UPDATE people SET labels = labels || 'z' WHERE id = 1")
    query("DELETE FROM people WHERE id = 2")
    _, rows, _ = query("SELECT id, labels, history[1].place FROM people ORDER BY id")
    assert rows[1:] == [["1", "[a, b, z]", None], ["3", "[c]", "Lyon"]]


def test_pyiceberg_reads_and_appends_nested_columns(query, catalog, bucket, database):
    _create(query, bucket)
    table = catalog.load_table(f"{database}.people")
    assert table.schema().find_field("address.city").field_id == 8
    found = table.scan().to_arrow().sort_by("id").to_pylist()
    assert found[0] == {"id": 1, "tags": ["a", "b"], "scores": [("math", 9)],
                        "address": {"city": "Paris", "zip": 75001}}
    table.append(pa.Table.from_pylist(
        [{"id": 4, "tags": ["d"], "scores": [("art", 5)], "address": {"city": "Rome", "zip": 100}}],
        schema=table.schema().as_arrow()))
    _, rows, _ = query("SELECT id, tags, scores['art'], address.city FROM people WHERE id = 4")
    assert rows[1:] == [["4", "[d]", "5", "Rome"]]
