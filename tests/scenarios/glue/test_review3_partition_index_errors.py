"""CreatePartitionIndex and DeletePartitionIndex refusals as AWS words them (measured
against Glue in us-west-2 and published in github.com/floci-io/floci/pull/3551)."""
import pytest
from botocore.exceptions import ClientError
from glue_helpers import parquet_table


def _error(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


@pytest.fixture
def logs(glue, database):
    glue.create_table(DatabaseName=database, TableInput=parquet_table(
        "logs", [("msg", "string")], [("tenant", "string"), ("year", "string"), ("month", "string"),
                                      ("day", "string")]))
    return {"DatabaseName": database, "TableName": "logs"}


def _create(glue, table, name, keys):
    return glue.create_partition_index(**table, PartitionIndex={"IndexName": name, "Keys": keys})


def test_a_key_outside_the_partition_keys(glue, logs):
    assert _error(_create, glue=glue, table=logs, name="bad", keys=["nosuchcol"]) == (
        "InvalidInputException", "IndexKeys not a part of PartitionColumns. Verify the indexKeys : [nosuchcol]")


def test_same_name_same_keys_and_the_limit_of_three(glue, logs):
    _create(glue, logs, "dup", ["tenant"])
    assert _error(_create, glue=glue, table=logs, name="dup", keys=["year"]) == (
        "AlreadyExistsException", "Partition Index dup already exists with the same name.")
    assert _error(_create, glue=glue, table=logs, name="other", keys=["tenant"]) == (
        "AlreadyExistsException", "Partition Index dup already exists with the same keys.")
    _create(glue, logs, "by_year_month", ["year", "month"])
    _create(glue, logs, "by_month_year", ["month", "year"])     # key order makes another index
    # the limit is judged before the duplicate checks
    assert _error(_create, glue=glue, table=logs, name="dup", keys=["day"]) == (
        "ResourceNumberLimitExceededException", "Partition index limit exceeded. Maximum: 3")
    names = [i["IndexName"] for i in glue.get_partition_indexes(**logs)["PartitionIndexDescriptorList"]]
    assert sorted(names) == ["by_month_year", "by_year_month", "dup"]


def test_deleting_an_unknown_index(glue, logs):
    assert _error(glue.delete_partition_index, **logs, IndexName="nope") == (
        "EntityNotFoundException", "Index with the given indexName : nope does not exist.")
