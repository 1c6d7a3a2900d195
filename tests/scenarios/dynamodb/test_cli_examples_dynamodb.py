"""The aws cli reference's DynamoDB Streams examples (awscli/examples/dynamodbstreams), run
as printed and compared with the output they show: get-records prints a record's
ApproximateCreationDateTime in whole seconds, as a number with a fraction
(`"ApproximateCreationDateTime": 1571849028.0`)."""
import json
import re
import uuid

from aws_cli import printed_by, printed_numbers, run_cli


def cli(lakebox_server, service, *args) -> str:
    return printed_by(run_cli(lakebox_server, service, *args))


def test_stream_records_print_their_creation_second(lakebox_server):
    table = f"Music-{uuid.uuid4().hex[:8]}"
    cli(lakebox_server, "dynamodb", "create-table", "--table-name", table,
        "--attribute-definitions", "AttributeName=Artist,AttributeType=S",
        "--key-schema", "AttributeName=Artist,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
        "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES")
    try:
        cli(lakebox_server, "dynamodb", "wait", "table-exists", "--table-name", table)
        cli(lakebox_server, "dynamodb", "put-item", "--table-name", table,
            "--item", '{"Artist": {"S": "No One You Know"}, "AlbumTitle": {"S": "Somewhat Famous"}}')
        stream = json.loads(cli(lakebox_server, "dynamodbstreams", "list-streams", "--table-name", table))[
            "Streams"][0]["StreamArn"]
        shard = json.loads(cli(lakebox_server, "dynamodbstreams", "describe-stream", "--stream-arn", stream))[
            "StreamDescription"]["Shards"][0]["ShardId"]
        iterator = json.loads(cli(lakebox_server, "dynamodbstreams", "get-shard-iterator", "--stream-arn", stream,
                                  "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON"))["ShardIterator"]
        printed = printed_numbers(cli(lakebox_server, "dynamodbstreams", "get-records", "--shard-iterator", iterator),
                                  "ApproximateCreationDateTime")
        assert len(printed) == 1
        assert re.fullmatch(r"[0-9]{10}\.0", printed[0]), printed
    finally:
        cli(lakebox_server, "dynamodb", "delete-table", "--table-name", table)
