"""The aws cli reference's Glue examples (awscli/examples/glue), run as printed and
compared with the output they show: get-databases and get-tables print the catalog's
CreateTime and UpdateTime in whole seconds (`"CreateTime": 1602730539.0`), as the Data
Catalog keeps them."""
import json
import re
import uuid

from aws_cli import printed_by, printed_numbers, run_cli


def glue(lakebox_server, *args) -> str:
    return printed_by(run_cli(lakebox_server, "glue", *args))


def test_get_databases_and_get_tables_print_whole_seconds(lakebox_server):
    database = f"tempdb_{uuid.uuid4().hex[:8]}"
    glue(lakebox_server, "create-database", "--database-input", json.dumps({"Name": database}))
    try:
        glue(lakebox_server, "create-table", "--database-name", database, "--table-input", json.dumps({
            "Name": "test-kinesis-input",
            "StorageDescriptor": {"Columns": [{"Name": "sensor", "Type": "string"}],
                                  "Location": "my-testing-stream",
                                  "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
            "Parameters": {"classification": "json"}}))
        glue(lakebox_server, "update-table", "--database-name", database, "--table-input", json.dumps({
            "Name": "test-kinesis-input", "Parameters": {"classification": "csv"},
            "StorageDescriptor": {"Columns": [{"Name": "sensor", "Type": "string"}], "Location": "my-testing-stream"}}))
        databases = glue(lakebox_server, "get-database", "--name", database)
        tables = glue(lakebox_server, "get-tables", "--database-name", database)
        versions = glue(lakebox_server, "get-table-versions", "--database-name", database,
                        "--table-name", "test-kinesis-input")
        printed = (printed_numbers(databases, "CreateTime") + printed_numbers(tables, "CreateTime|UpdateTime")
                   + printed_numbers(versions, "CreateTime|UpdateTime"))
        assert len(printed) == 7
        assert all(re.fullmatch(r"[0-9]{10}\.0", value) for value in printed), printed
    finally:
        glue(lakebox_server, "delete-database", "--name", database)
