"""The aws cli reference's Athena examples (awscli/examples/athena), run as printed and
compared with the output they show: timestamps carry milliseconds at most
(`"SubmissionDateTime": 1593469842.665`, `"CreationTime": 1573677174.105`), as every
AWS JSON service writes epoch seconds."""
import json
import re
import uuid

from aws_cli import printed_by, printed_numbers, run_cli

TIMES = "[A-Za-z]*Time"


def athena(lakebox_server, *args) -> str:
    return printed_by(run_cli(lakebox_server, "athena", *args))


def test_times_are_printed_to_the_millisecond(lakebox_server, fresh_bucket):
    bucket = fresh_bucket("athena-cli")
    group = f"Data_Analyst_Group_{uuid.uuid4().hex[:6]}"
    athena(lakebox_server, "create-work-group", "--name", group, "--configuration",
           f"ResultConfiguration={{OutputLocation=s3://{bucket}/results/}}",
           "--description", "Workgroup for data analysts")
    try:
        query_id = json.loads(athena(lakebox_server, "start-query-execution", "--query-string", "select 1",
                                     "--work-group", group))["QueryExecutionId"]
        for _ in range(100):
            execution = athena(lakebox_server, "get-query-execution", "--query-execution-id", query_id)
            if json.loads(execution)["QueryExecution"]["Status"]["State"] not in ("QUEUED", "RUNNING"):
                break
        printed = (printed_numbers(athena(lakebox_server, "get-work-group", "--work-group", group), TIMES)
                   + printed_numbers(athena(lakebox_server, "list-work-groups"), TIMES)
                   + printed_numbers(execution, TIMES))
        assert len(printed) >= 4
        assert all(re.fullmatch(r"[0-9]{10}(\.[0-9]{1,3})?", value) for value in printed), printed
    finally:
        athena(lakebox_server, "delete-work-group", "--work-group", group, "--recursive-delete-option")
