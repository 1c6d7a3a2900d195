"""The catalog as Athena and Firehose see it (services/glue/public.py), against an
in-memory server state."""
import pytest

from lakebox.aws.context import HttpRequest, RequestContext
from lakebox.config import Config
from lakebox.services.glue import public
from lakebox.services.s3 import public as s3
from lakebox.state import AppState


@pytest.fixture
def ctx():
    state = AppState(Config(data_dir=None, limits="off"))
    return RequestContext(service="athena", operation="StartQueryExecution", account="000000000000",
                          region="us-east-1", access_key="test", caller_arn="arn:aws:iam::000000000000:root",
                          now=state.clock.now(), state=state, request=HttpRequest("POST", "/", [], {}))


def table_input(name, keys=()):
    return {"Name": name, "PartitionKeys": [{"Name": k, "Type": t} for k, t in keys],
            "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "bigint"}], "Location": f"s3://lake/{name}/",
                                  "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                                  "SerdeInfo": {"SerializationLibrary":
                                                "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                                                "Parameters": {"field.delim": "|"}}}}


def test_tables_partitions_and_scans(ctx):
    public.create_database(ctx, {"Name": "Sales"})
    assert [d["Name"] for d in public.list_databases(ctx)] == ["sales"]
    public.create_table(ctx, "sales", table_input("Orders", [("dt", "string"), ("hour", "int")]))
    table = public.get_table(ctx, "SALES", "orders")
    assert (table["Name"], table["DatabaseName"], table["VersionId"]) == ("orders", "sales", "0")
    errors = public.create_partitions(ctx, "sales", "orders", [
        {"Values": ["2024-01-01", str(h)], "StorageDescriptor": {"Location": f"s3://lake/orders/2024-01-01/{h}/"}}
        for h in (1, 2, 10)] + [{"Values": ["2024-01-01", "1"]}])
    assert [e["ErrorDetail"]["ErrorCode"] for e in errors] == ["AlreadyExistsException"]
    assert [p["Values"][1] for p in public.list_partitions(ctx, "sales", "orders", "hour >= 2")] == ["2", "10"]

    scan = public.plan_scan(ctx, "sales", "orders", "hour = 10")
    assert (scan.format, scan.serde_parameters) == ("csv", {"field.delim": "|"})
    assert [(p.values, p.location) for p in scan.partitions] == [
        (["2024-01-01", "10"], "s3://lake/orders/2024-01-01/10/")]
    assert [c["Name"] for c in scan.columns] == ["id"]

    public.delete_partitions(ctx, "sales", "orders", [["2024-01-01", "10"], ["nope", "0"]])
    assert len(public.list_partitions(ctx, "sales", "orders")) == 2
    public.update_table(ctx, "sales", dict(table_input("orders"), Description="v2"))
    assert public.get_table(ctx, "sales", "orders")["VersionId"] == "1"
    assert [t["Name"] for t in public.list_tables(ctx, "sales")] == ["orders"]
    public.delete_table(ctx, "sales", "orders")
    with pytest.raises(public.errors.EntityNotFoundException, match="Table orders not found."):
        public.get_table(ctx, "sales", "orders")
    with pytest.raises(public.errors.EntityNotFoundException, match="Database nope not found."):
        public.list_tables(ctx, "nope")
    public.create_table(ctx, "sales", table_input("t", [("k", "string")]))
    with pytest.raises(public.errors.InvalidInputException):
        public.list_partitions(ctx, "sales", "t", "k = ")
    public.delete_database(ctx, "sales")
    assert public.list_databases(ctx) == []


def test_unpartitioned_scan_lists_files(ctx):
    from lakebox.services.s3 import store as s3_store
    s3_store.insert_bucket(ctx.state.db, "lake", "000000000000", "us-east-1", ctx.now, False)
    s3.put_object(ctx.state, "lake", "events/a.csv", b"1|a\n")
    s3.put_object(ctx.state, "lake", "events/b.csv", b"2|b\n")
    s3.put_object(ctx.state, "lake", "eventsx/c.csv", b"3|c\n")
    s3.put_object(ctx.state, "lake", "events/_SUCCESS", b"done")
    s3.put_object(ctx.state, "lake", "events/.a.csv.crc", b"crc")
    public.create_database(ctx, {"Name": "raw"})
    public.create_table(ctx, "raw", table_input("events"))
    scan = public.plan_scan(ctx, "raw", "events", with_files=True)
    assert [(p.values, [f.key for f in p.files]) for p in scan.partitions] == [([], ["events/a.csv",
                                                                                     "events/b.csv"])]
    assert open(scan.partitions[0].files[0].path, "rb").read() == b"1|a\n"


@pytest.mark.parametrize("text, tree", [
    ("bigint", "bigint"), ("decimal(10,2)", "decimal(10,2)"), ("array<string>", ("array", "string")),
    ("map<string,array<int>>", ("map", "string", ("array", "int"))),
    ("struct<a:bigint,b:struct<c:string>>", ("struct", [("a", "bigint"), ("b", ("struct", [("c", "string")]))]))])
def test_parse_type(text, tree):
    assert public.parse_type(text) == tree


@pytest.mark.parametrize("text", ["", "foo", "array<>", "array<string", "map<string>", "struct<a>", "int int"])
def test_parse_type_refuses(text):
    with pytest.raises(ValueError):
        public.parse_type(text)
