"""A support engineer reads device settings documents (a string column of JSON in a CSV
in S3) with json_value and json_exists through boto3's Athena client: json_value gives a
string's text unquoted, a number as Trino prints it and NULL for an object, an array or
a JSON null; DEFAULT ... ON EMPTY fills a missing setting and DEFAULT ... ON ERROR an
unreadable one; json_exists is false for a missing member, a strict path's error (FALSE
ON ERROR by default, NULL with UNKNOWN ON ERROR) and a malformed document; ERROR ON
ERROR / ERROR ON EMPTY fail with Trino's JSON_VALUE_RESULT_ERROR and
PATH_EVALUATION_ERROR words. Facts: Trino's JsonValueFunction, JsonExistsFunction,
JsonValueResultException and their tests (code corpus); Trino's JSON functions
documentation (json_exists: FALSE ON ERROR is the default)."""
import pytest

from trip_helpers import athena_failure, athena_rows

SETTINGS = """d1|{"name": "thermostat", "target": 21.5, "modes": ["eco", "boost"], "owner": {"id": 7}}
d2|{"name": "lamp", "target": null, "modes": []}
d3|{"name": "plug", "target": 5}
d4|{broken
"""


DDL = """CREATE EXTERNAL TABLE devices (id string, doc string) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'
         LOCATION 's3://{bucket}/devices/'"""


@pytest.fixture
def devices(client, bucket, database):
    client("s3").put_object(Bucket=bucket, Key="devices/settings.txt", Body=SETTINGS.encode())
    athena, place = client("athena"), {"database": database, "output": f"s3://{bucket}/results/"}
    athena_rows(athena, DDL.format(bucket=bucket), **place)
    return lambda run, sql: run(athena, sql, **place)


def test_scalars_as_sql_text(devices):
    assert devices(athena_rows, """
        SELECT id, json_value(doc, 'lax $.name'), json_value(doc, 'lax $.target'), json_value(doc, 'lax $.owner'),
               json_value(doc, 'lax $.modes[0]'), json_value(doc, 'lax $.modes'),
               json_value(doc, 'lax $.owner.id' DEFAULT 'unowned' ON EMPTY),
               json_value(doc, 'lax $.modes' DEFAULT 'several' ON ERROR)
        FROM devices ORDER BY id""") == [
        ["d1", "thermostat", "21.5", None, "eco", None, "7", "several"],
        ["d2", "lamp", None, None, None, None, "unowned", "several"],
        ["d3", "plug", "5", None, None, None, "unowned", None],
        ["d4", None, None, None, None, None, None, "several"]]


def test_which_settings_exist(devices):
    assert devices(athena_rows, """
        SELECT id, json_exists(doc, 'lax $.owner.id'), json_exists(doc, 'lax $.modes[1]'),
               json_exists(doc, 'strict $.modes[1]'), json_exists(doc, 'strict $.modes[1]' UNKNOWN ON ERROR),
               json_exists(doc, 'lax $.target')
        FROM devices ORDER BY id""") == [
        ["d1", "true", "true", "true", "true", "true"],
        ["d2", "false", "false", "false", None, "true"],
        ["d3", "false", "false", "false", None, "true"],
        ["d4", "false", "false", "false", None, "false"]]


@pytest.mark.parametrize("device, call, reason", [
    ("d1", "json_value(doc, 'lax $.owner' ERROR ON ERROR)",
     "JSON_VALUE_RESULT_ERROR: cannot extract SQL scalar from JSON: JSON path found an item that cannot be "
     "converted to an SQL value"),
    ("d1", "json_value(doc, 'lax $.modes[*]' ERROR ON ERROR)",
     "JSON_VALUE_RESULT_ERROR: cannot extract SQL scalar from JSON: JSON path found multiple items"),
    ("d3", "json_value(doc, 'lax $.owner.id' ERROR ON EMPTY)",
     "JSON_VALUE_RESULT_ERROR: cannot extract SQL scalar from JSON: JSON path found no items"),
    ("d2", "json_exists(doc, 'strict $.modes[0]' ERROR ON ERROR)",
     "PATH_EVALUATION_ERROR: path evaluation failed: structural error: invalid array subscript for empty array"),
])
def test_errors_asked_for_fail_the_query(devices, device, call, reason):
    assert devices(athena_failure, f"SELECT {call} FROM devices WHERE id = '{device}'") == reason
