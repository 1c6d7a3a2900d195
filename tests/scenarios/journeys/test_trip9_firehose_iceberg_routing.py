"""A game studio streams two kinds of events through one Firehose stream into two Iceberg
tables: a JQ-1.6 MetadataExtraction query reads the table from the event's nested type
(`.event.kind`) and the operation from `.op`, and DestinationTableConfigurationList gives
the players table its UniqueKeys (player_id) so that profile updates replace rows, while
match results are only ever inserted. A record whose operation is not insert, update or
delete, and an update to the matches table (which has no UniqueKeys), go to the S3 error
output: under the players table's S3ErrorOutputPrefix for its records, else the stream's
ErrorOutputPrefix. The data scientist reads both tables with
pyiceberg through the Glue catalog, and the BI analyst with Athena; the answers agree."""
import base64
import json

import pytest

from trip_helpers import KEY, REGION, SECRET, athena_rows, keys_under, wait_for

pytestmark = pytest.mark.local_only          # buffers are flushed by moving the lakebox clock

ROLE = "arn:aws:iam::000000000000:role/firehose-iceberg"
ROUTING = "{destinationDatabaseName: .db, destinationTableName: .event.kind, operation: .op}"


def player(database, n, level, op="update"):
    return {"db": database, "op": op, "event": {"kind": "players"}, "player_id": n, "name": f"p{n}",
            "level": level, "profile": {"country": ["PT", "JP"][n % 2], "premium": n % 3 == 0}}


def match(database, n, op="insert"):
    return {"db": database, "op": op, "event": {"kind": "matches"}, "match_id": f"m-{n}", "winner": n % 4,
            "score": 100 + n, "played_at": 1717243200000000 + n * 60_000_000}


def test_two_tables_from_one_stream(lakebox_server, client, clock, bucket, database, delivery_streams):
    firehose, s3, athena = client("firehose"), client("s3"), client("athena")
    output = f"s3://{bucket}/results/"
    athena_rows(athena, f"""CREATE TABLE players (player_id bigint, name string, level int,
        profile struct<country:string,premium:boolean>)
        LOCATION 's3://{bucket}/lake/players/' TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    athena_rows(athena, f"""CREATE TABLE matches (match_id string, winner bigint, score int, played_at timestamp)
        LOCATION 's3://{bucket}/lake/matches/' TBLPROPERTIES ('table_type' = 'ICEBERG')""", database, output)
    name = delivery_streams("game", IcebergDestinationConfiguration={
        "RoleARN": ROLE, "CatalogConfiguration": {"CatalogARN": f"arn:aws:glue:{REGION}:000000000000:catalog"},
        "DestinationTableConfigurationList": [
            {"DestinationDatabaseName": database, "DestinationTableName": "players", "UniqueKeys": ["player_id"],
             "S3ErrorOutputPrefix": "game-errors/players/"},
            {"DestinationDatabaseName": database, "DestinationTableName": "matches"}],
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": ROUTING},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"}]}]},
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}",
                            "ErrorOutputPrefix": "game-errors/"}})

    events = [player(database, n, 1, "insert") for n in range(4)] + [match(database, n) for n in range(5)]
    events += [player(database, 1, 7), player(database, 3, 9), player(database, 5, 2),
               dict(player(database, 2, 4), op="upsert"), match(database, 0, "update")]
    answer = firehose.put_record_batch(DeliveryStreamName=name,
                                       Records=[{"Data": json.dumps(e).encode()} for e in events])
    assert answer["FailedPutCount"] == 0
    clock(61)

    wait_for(lambda: athena_rows(athena, "SELECT count(*) FROM players", database, output) == [["5"]])
    assert athena_rows(athena, "SELECT player_id, level, profile.country, profile.premium FROM players "
                               "ORDER BY player_id", database, output) == [
        ["0", "1", "PT", "true"], ["1", "7", "JP", "false"], ["2", "1", "PT", "false"], ["3", "9", "JP", "true"],
        ["5", "2", "JP", "false"]]
    assert athena_rows(athena, "SELECT count(*), sum(score), max(played_at) FROM matches", database, output) == [
        ["5", "510", "2024-06-01 12:04:00.000000"]]

    failed = wait_for(lambda: keys_under(s3, bucket, "game-errors/"))
    refused = {}
    for key in failed:
        for line in s3.get_object(Bucket=bucket, Key=key)["Body"].read().splitlines():
            refused[json.loads(base64.b64decode(json.loads(line)["rawData"]))["op"]] = key
    assert sorted(refused) == ["update", "upsert"]
    assert refused["upsert"].startswith("game-errors/players/")        # the players table's own error prefix
    assert not refused["update"].startswith("game-errors/players/")

    from pyiceberg.catalog.glue import GlueCatalog
    catalog = GlueCatalog("glue", **{"glue.endpoint": lakebox_server.endpoint, "s3.endpoint": lakebox_server.endpoint,
                                     "glue.region": REGION, "s3.region": REGION, "glue.access-key-id": KEY,
                                     "glue.secret-access-key": SECRET, "s3.access-key-id": KEY,
                                     "s3.secret-access-key": SECRET})
    players = sorted(catalog.load_table((database, "players")).scan().to_arrow().to_pylist(),
                     key=lambda r: r["player_id"])
    assert [(r["player_id"], r["level"], r["profile"]["country"]) for r in players] == [
        (0, 1, "PT"), (1, 7, "JP"), (2, 1, "PT"), (3, 9, "JP"), (5, 2, "JP")]
    matches = catalog.load_table((database, "matches")).scan().to_arrow()
    assert sorted(matches.column("match_id").to_pylist()) == [f"m-{n}" for n in range(5)]
