"""A projected table missing a property its projection type requires (Partition
projection, supported types: enum `values`, integer `range`, date `range` and `format`
are "Required") fails the query that reads it, naming the column and the property; the
table itself was accepted (Glue keeps any parameters). Before, an enum without values
projected no partition and the query answered nothing; a date without a format failed as
an internal error. The message's wording has no recorded Athena source: it is Trino's
wording for its Athena-compatible projections, naming Athena's property."""
import pytest


def _reason(execution):
    return execution["Status"]["StateChangeReason"], execution["Status"]["AthenaError"]["ErrorCategory"]


@pytest.fixture
def projected(query, bucket, s3):
    s3.put_object(Bucket=bucket, Key="events/region=eu/dt=2024-03-01/a.csv", Body=b"1\n")

    def make(table, properties):
        props = ", ".join(f"'{k}'='{v}'" for k, v in {"projection.enabled": "true", **properties}.items())
        query(f"CREATE EXTERNAL TABLE {table} (id int) PARTITIONED BY (region string, dt string) "
              f"LOCATION 's3://{bucket}/events/' TBLPROPERTIES ({props})")
        return table
    return make


_GOOD = {"projection.region.type": "enum", "projection.region.values": "eu,us",
         "projection.dt.type": "date", "projection.dt.range": "2024-03-01,2024-03-02",
         "projection.dt.format": "yyyy-MM-dd"}


def test_a_complete_projection_reads_its_partitions(query, projected):
    table = projected("complete", _GOOD)
    assert query(f"SELECT region, dt, id FROM {table}")[1][1:] == [["eu", "2024-03-01", "1"]]


@pytest.mark.parametrize("missing", ["projection.region.values", "projection.dt.format", "projection.dt.range"])
def test_a_missing_required_property_fails_the_query(query, projected, missing):
    table = projected("partial", {k: v for k, v in _GOOD.items() if k != missing})
    column = missing.split(".")[1]
    execution, _, _ = query(f"SELECT count(*) FROM {table}", expect="FAILED")
    assert _reason(execution) == (f"INVALID_COLUMN_PROPERTY: Column projection for column '{column}' failed. "
                                  f"Missing required property: '{missing}'", 2)


def test_an_integer_projection_without_a_range_fails_the_query(query, projected):
    table = projected("numbers", {**_GOOD, "projection.region.type": "integer"})
    execution, _, _ = query(f"SELECT * FROM {table} WHERE dt = '2024-03-01'", expect="FAILED")
    assert _reason(execution) == ("INVALID_COLUMN_PROPERTY: Column projection for column 'region' failed. "
                                  "Missing required property: 'projection.region.range'", 2)
