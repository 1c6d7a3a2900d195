"""PartiQL SELECT ... ORDER BY as applications write it: ordering needs a WHERE clause that
always fixes the partition key, a WHERE that names several partitions must order by the
partition key, and such a statement reads its partitions in that order, each sorted by the
sort key's own direction, one page across them (Limit and NextToken); a WHERE naming one
partition twice is refused ("Overlapping conditions with range keys ...", a public test
suite's records of DynamoDB's answers).

The refusals' words are DynamoDB's as public records of its answers give them (a developer's
record of real DynamoDB answers: "Must have WHERE clause ..." and "Must have hash key in
ORDER BY clause ..."; DynamoDB Local gives the same words and "Must have at least one
non-optional hash key condition ...")."""
import pytest
from ddb_helpers import error_of


@pytest.fixture
def readings(make_table, ddb):
    """Three sensors a, b, c with readings 0, 1, 2 (level = reading)."""
    table = make_table(hash=("sensor", "S"), range=("at", "N"))
    for sensor in "abc":
        for at in range(3):
            ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE "
                                            f"{{'sensor': '{sensor}', 'at': {at}, 'level': {at}}}")
    return table


def _pages(ddb, statement, limit=None):
    """The readings of each page, as sensor+at, following NextToken to the end."""
    pages, args = [], {"Statement": statement, **({"Limit": limit} if limit else {})}
    while True:
        answer = ddb.execute_statement(**args)
        pages.append([item["sensor"]["S"] + item["at"]["N"] for item in answer["Items"]])
        if "NextToken" not in answer:
            return pages
        args["NextToken"] = answer["NextToken"]


def test_order_by_needs_a_where_clause(ddb, readings):
    assert error_of(ddb.execute_statement, Statement=f'SELECT * FROM "{readings}" ORDER BY "at"') == (
        "ValidationException", "Must have WHERE clause in the statement when using ORDER BY clause.")


def test_order_by_needs_the_partition_key_in_every_branch(ddb, readings):
    expected = ("ValidationException", "Must have at least one non-optional hash key condition in WHERE clause "
                                       "when using ORDER BY clause.")
    assert error_of(ddb.execute_statement,
                    Statement=f'SELECT * FROM "{readings}" WHERE "level" = 1 ORDER BY "at"') == expected
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM \"{readings}\" WHERE sensor = 'a' "
                                                     "OR \"level\" = 1 ORDER BY \"at\"") == expected


def test_several_partitions_must_be_ordered_by_the_partition_key(ddb, readings):
    expected = ("ValidationException", "Must have hash key in ORDER BY clause when more than one hash key "
                                       "condition specified in WHERE clause.")
    for where in ("sensor = 'a' OR sensor = 'b'", "sensor IN ['a', 'b']"):
        assert error_of(ddb.execute_statement,
                        Statement=f'SELECT * FROM "{readings}" WHERE {where} ORDER BY "at" DESC') == expected


def test_partitions_are_read_in_the_order_asked(ddb, readings):
    newest_first = f"SELECT * FROM \"{readings}\" WHERE sensor IN ['c', 'a'] ORDER BY sensor DESC, \"at\" DESC"
    assert _pages(ddb, newest_first) == [["c2", "c1", "c0", "a2", "a1", "a0"]]
    by_sensor = f"SELECT * FROM \"{readings}\" WHERE sensor = 'c' OR sensor = 'b' ORDER BY sensor, \"at\""
    assert _pages(ddb, by_sensor) == [["b0", "b1", "b2", "c0", "c1", "c2"]]


def test_pages_run_on_across_partitions(ddb, readings):
    statement = f"SELECT * FROM \"{readings}\" WHERE sensor IN ['c', 'a'] ORDER BY sensor DESC, \"at\" DESC"
    pages = _pages(ddb, statement, limit=2)
    assert [reading for page in pages for reading in page] == ["c2", "c1", "c0", "a2", "a1", "a0"]
    assert pages[0] == ["c2", "c1"]


def test_one_partition_keeps_the_sort_key_direction(ddb, readings):
    statement = f"SELECT * FROM \"{readings}\" WHERE sensor = 'b' AND \"level\" > 0 ORDER BY \"at\" DESC, sensor"
    assert [reading for page in _pages(ddb, statement) for reading in page] == ["b2", "b1"]


@pytest.mark.parametrize("where", ["sensor IN ['a', 'a']", "sensor = 'a' OR sensor = 'a'",
                                   "(sensor = 'a' AND \"level\" = 1) OR (sensor = 'a' AND \"level\" = 2)"])
def test_a_partition_named_twice(ddb, readings, where):
    assert error_of(ddb.execute_statement, Statement=f"SELECT * FROM \"{readings}\" WHERE {where}") == (
        "ValidationException", "Overlapping conditions with range keys are not supported in where clause")
