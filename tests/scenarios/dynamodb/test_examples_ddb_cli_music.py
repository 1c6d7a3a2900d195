"""The DynamoDB Developer Guide's getting-started flow with the aws cli (the Music table):
create-table with Artist/SongTitle keys, on demand, STANDARD table class; wait until it
exists; put four songs; get-item with a consistent read; update-item returning ALL_NEW;
query by artist; update-table adding the AlbumTitle-index GSI, wait for it to be ACTIVE
and query it; turn on point-in-time recovery; delete the table; and the guide's PartiQL
INSERT, multi-SET UPDATE, SELECT and DELETE through execute-statement."""
import json
import time
import uuid

from aws_cli import answer_of, run_cli

SONGS = [("No One You Know", "Call Me Today", "Somewhat Famous", "1"),
         ("No One You Know", "Howdy", "Somewhat Famous", "2"),
         ("Acme Band", "Happy Day", "Songs About Life", "10"),
         ("Acme Band", "PartiQL Rocks", "Another Album Title", "8")]


def ddb(lakebox_server, *args):
    return answer_of(run_cli(lakebox_server, "dynamodb", *args))


def _key(artist, song):
    return json.dumps({"Artist": {"S": artist}, "SongTitle": {"S": song}})


def _index_status(lakebox_server, name):
    table = ddb(lakebox_server, "describe-table", "--table-name", name)["Table"]
    return table["GlobalSecondaryIndexes"][0]["IndexStatus"]


def test_getting_started_music_table_with_the_cli(lakebox_server):
    name = f"Music-{uuid.uuid4().hex[:8]}"
    created = ddb(lakebox_server, "create-table", "--table-name", name,
                  "--attribute-definitions", "AttributeName=Artist,AttributeType=S",
                  "AttributeName=SongTitle,AttributeType=S",
                  "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
                  "--billing-mode", "PAY_PER_REQUEST", "--table-class", "STANDARD")["TableDescription"]
    assert created["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ddb(lakebox_server, "wait", "table-exists", "--table-name", name)
    described = ddb(lakebox_server, "describe-table", "--table-name", name)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["TableClassSummary"]["TableClass"] == "STANDARD"

    for artist, song, album, awards in SONGS:
        ddb(lakebox_server, "put-item", "--table-name", name, "--item", json.dumps({
            "Artist": {"S": artist}, "SongTitle": {"S": song}, "AlbumTitle": {"S": album}, "Awards": {"N": awards}}))

    got = ddb(lakebox_server, "get-item", "--consistent-read", "--table-name", name,
              "--key", _key("Acme Band", "Happy Day"))["Item"]
    assert got["AlbumTitle"] == {"S": "Songs About Life"}

    updated = ddb(lakebox_server, "update-item", "--table-name", name, "--key", _key("Acme Band", "Happy Day"),
                  "--update-expression", "SET AlbumTitle = :newval",
                  "--expression-attribute-values", '{":newval":{"S":"Updated Album Title"}}',
                  "--return-values", "ALL_NEW")["Attributes"]
    assert updated["AlbumTitle"] == {"S": "Updated Album Title"} and updated["Awards"] == {"N": "10"}

    by_artist = ddb(lakebox_server, "query", "--table-name", name, "--key-condition-expression", "Artist = :name",
                    "--expression-attribute-values", '{":name":{"S":"Acme Band"}}')
    assert [i["SongTitle"]["S"] for i in by_artist["Items"]] == ["Happy Day", "PartiQL Rocks"]

    ddb(lakebox_server, "update-table", "--table-name", name,
        "--attribute-definitions", "AttributeName=AlbumTitle,AttributeType=S",
        "--global-secondary-index-updates",
        '[{"Create":{"IndexName":"AlbumTitle-index","KeySchema":[{"AttributeName":"AlbumTitle","KeyType":"HASH"}],'
        '"Projection":{"ProjectionType":"ALL"}}}]')
    for _ in range(60):
        if _index_status(lakebox_server, name) == "ACTIVE":
            break
        time.sleep(1)
    by_album = ddb(lakebox_server, "query", "--table-name", name, "--index-name", "AlbumTitle-index",
                   "--key-condition-expression", "AlbumTitle = :name",
                   "--expression-attribute-values", '{":name":{"S":"Somewhat Famous"}}')
    assert sorted(i["SongTitle"]["S"] for i in by_album["Items"]) == ["Call Me Today", "Howdy"]

    recovery = ddb(lakebox_server, "update-continuous-backups", "--table-name", name,
                   "--point-in-time-recovery-specification", "PointInTimeRecoveryEnabled=true")
    assert recovery["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"][
        "PointInTimeRecoveryStatus"] == "ENABLED"

    ddb(lakebox_server, "delete-table", "--table-name", name)
    ddb(lakebox_server, "wait", "table-not-exists", "--table-name", name)


def test_getting_started_partiql_statements_with_the_cli(lakebox_server):
    name = f"Music-{uuid.uuid4().hex[:8]}"
    ddb(lakebox_server, "create-table", "--table-name", name,
        "--attribute-definitions", "AttributeName=Artist,AttributeType=S", "AttributeName=SongTitle,AttributeType=S",
        "--key-schema", "AttributeName=Artist,KeyType=HASH", "AttributeName=SongTitle,KeyType=RANGE",
        "--billing-mode", "PAY_PER_REQUEST")
    ddb(lakebox_server, "wait", "table-exists", "--table-name", name)
    try:
        ddb(lakebox_server, "execute-statement", "--statement",
            f"INSERT INTO \"{name}\" VALUE {{'Artist':'No One You Know','SongTitle':'Call Me Today',"
            "'AlbumTitle':'Somewhat Famous','Awards':'1'}")
        ddb(lakebox_server, "execute-statement", "--statement",
            f"UPDATE \"{name}\" SET AwardsWon=1 SET AwardDetail={{'Grammys':[2020, 2018]}} "
            "WHERE Artist='No One You Know' AND SongTitle='Call Me Today'")
        selected = ddb(lakebox_server, "execute-statement", "--statement",
                       f"SELECT * FROM \"{name}\" WHERE Artist='No One You Know' AND SongTitle='Call Me Today'")
        assert selected["Items"] == [{"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"},
                                      "AlbumTitle": {"S": "Somewhat Famous"}, "Awards": {"S": "1"},
                                      "AwardsWon": {"N": "1"},
                                      "AwardDetail": {"M": {"Grammys": {"L": [{"N": "2020"}, {"N": "2018"}]}}}}]
        ddb(lakebox_server, "execute-statement", "--statement",
            f"DELETE FROM \"{name}\" WHERE Artist='No One You Know' AND SongTitle='Call Me Today'")
        assert ddb(lakebox_server, "scan", "--table-name", name, "--select", "COUNT")["Count"] == 0
    finally:
        ddb(lakebox_server, "delete-table", "--table-name", name)
