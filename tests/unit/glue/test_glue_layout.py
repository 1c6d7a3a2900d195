"""Which folders become tables and which become partitions."""
from lakebox.services.glue import layout
from lakebox.services.glue.classify import FileSchema


def crawled(key, columns, kind="parquet"):
    parts = key.split("/")
    return layout.CrawledFile(key, parts[:-1], 10, FileSchema(kind, [(c, "bigint") for c in columns], records=1))


def plans_of(files, **options):
    return [(p.name, p.location, p.partition_keys, sorted(tuple(x.values) for x in p.partitions))
            for p in layout.plan_tables(files, "root", "s3://b/root/", **options)]


def test_hive_partitions_make_one_table():
    files = [crawled("year=2024/month=1/a", ["x"]), crawled("year=2024/month=2/a", ["x", "y"]),
             crawled("year=2025/month=1/a", ["x"])]
    assert plans_of(files) == [("root", "s3://b/root/", ["year", "month"],
                                [("2024", "1"), ("2024", "2"), ("2025", "1")])]


def test_unnamed_folders_are_partition_n():
    files = [crawled("2024/01/a", ["x"]), crawled("2024/02/a", ["x"])]
    assert plans_of(files)[0][2] == ["partition_0", "partition_1"]


def test_incompatible_folders_are_tables_of_their_own():
    files = [crawled("orders/a", ["id", "total"]), crawled("users/a", ["name", "email", "age"]),
             crawled("users/b", ["name", "email", "age"])]
    assert plans_of(files) == [("orders", "s3://b/root/orders/", [], []), ("users", "s3://b/root/users/", [], [])]


def test_different_formats_never_share_a_table():
    files = [crawled("a/x", ["id"], "csv"), crawled("b/x", ["id"], "json")]
    assert [p[0] for p in plans_of(files)] == ["a", "b"]


def test_combine_compatible_schemas():
    files = [crawled("a/x", ["id", "a1", "a2"]), crawled("b/x", ["id", "b1", "b2"])]
    assert [p[0] for p in plans_of(files)] == ["a", "b"]
    combined = layout.plan_tables(files, "root", "s3://b/root/", combine=True)
    assert [(p.name, [c for c, _ in p.columns]) for p in combined] == [("root", ["id", "a1", "a2", "b1", "b2"])]


def test_table_level_configuration():
    files = [crawled("sales/region=eu/x", ["id"]), crawled("sales/region=us/x", ["id"]),
             crawled("users/x", ["name", "email"])]
    planned = layout.plan_tables(files, "root", "s3://b/root/", table_level=3, root_level=2)
    assert [(p.name, p.partition_keys) for p in planned] == [("sales", ["region"]), ("users", [])]
    forced = layout.plan_tables(files[:2], "root", "s3://b/root/", table_level=2, root_level=2)
    assert [(p.name, p.partition_keys) for p in forced] == [("root", ["partition_0", "region"])]


def test_unreadable_files_are_left_out():
    files = [crawled("a", ["x"]), layout.CrawledFile("b", [], 1, FileSchema("UNKNOWN", error="bad"))]
    assert plans_of(files) == [("root", "s3://b/root/", [], [])]
