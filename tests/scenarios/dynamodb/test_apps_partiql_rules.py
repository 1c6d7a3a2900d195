"""PartiQL statements DynamoDB refuses before reading anything, in its words (as DynamoDB
Local's PartiQL messages and public records of DynamoDB's answers give them): a strongly
consistent read of a global secondary index, a read of attributes it does not project (or
a filter on them when the read names an index partition), an index the table does not
have (not named, unlike Query's answer), a write naming an index (which must leave the
table as it was), EXISTS outside a transaction, `*` with other attributes, an attribute
named twice or aliased in SELECT's list, RETURNING on an INSERT, a DELETE returning
anything but the old item, a bag (<<...>>) that is empty or holds anything but strings or
numbers of one type, a FROM path longer than table and index or with an empty part, an
order comparison with a value that is no string, number or binary, and, in a transaction,
an EXISTS that only names its key or reads an index."""
import pytest
from ddb_helpers import error_of, table_with_gsi


@pytest.fixture
def books(make_table, ddb):
    """Books by shelf and position, with a keys-only GSI by genre; (s1, 1) is a novel."""
    table = table_with_gsi(make_table, "shelf", "position", "by-genre", "genre", projection="KEYS_ONLY")
    ddb.execute_statement(Statement=f"INSERT INTO \"{table}\" VALUE "
                                    "{'shelf': 's1', 'position': 1, 'genre': 'novel', 'title': 'Emma'}")
    return table


def _refused(ddb, statement, **args):
    return error_of(ddb.execute_statement, Statement=statement, **args)


def test_a_global_index_is_never_read_strongly_consistent(ddb, books):
    select = f"SELECT * FROM \"{books}\".\"by-genre\" WHERE genre = 'novel'"
    assert _refused(ddb, select, ConsistentRead=True) == (
        "ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes")
    assert len(ddb.execute_statement(Statement=select)["Items"]) == 1


def test_writes_name_the_table_not_an_index(ddb, books):
    on_index = f"\"{books}\".\"by-genre\""
    refused = ("ValidationException", "This operation is not supported on an index")
    assert _refused(ddb, f"DELETE FROM {on_index} WHERE shelf = 's1' AND position = 1") == refused
    assert _refused(ddb, f"UPDATE {on_index} SET title = 'x' WHERE shelf = 's1' AND position = 1") == refused
    assert _refused(ddb, f"INSERT INTO {on_index} VALUE {{'shelf': 's2', 'position': 1}}") == refused
    items = ddb.execute_statement(Statement=f"SELECT shelf, title FROM \"{books}\"")["Items"]
    assert items == [{"shelf": {"S": "s1"}, "title": {"S": "Emma"}}]


def test_exists_belongs_to_transactions(ddb, books):
    assert _refused(ddb, f"EXISTS(SELECT * FROM \"{books}\" WHERE shelf = 's1' AND position = 1)") == (
        "ValidationException", "EXISTS can only be used in ExecuteTransaction write requests.")


def test_star_stands_alone_and_insert_returns_nothing(ddb, books):
    star = ("ValidationException", "Other attributes should not be present in the projection when '*' is used.")
    assert _refused(ddb, f"SELECT *, title FROM \"{books}\" WHERE shelf = 's1'") == star
    assert _refused(ddb, f"SELECT title, * FROM \"{books}\" WHERE shelf = 's1'") == star
    assert _refused(ddb, f"INSERT INTO \"{books}\" VALUE {{'shelf': 's2', 'position': 1}} RETURNING ALL OLD *") == (
        "ValidationException", "RETURNING is not supported in INSERT")


def test_a_transactions_exists_tests_more_than_the_key(ddb, books):
    update = {"Statement": f"INSERT INTO \"{books}\" VALUE {{'shelf': 's1', 'position': 2, 'title': 'Persuasion'}}"}
    keyed_only = {"Statement": f"EXISTS(SELECT * FROM \"{books}\" WHERE shelf = 's1' AND position = 1)"}
    assert error_of(ddb.execute_transaction, TransactStatements=[keyed_only, update]) == (
        "ValidationException", "Validation failed in TransactStatements[0]: EXISTS() must contain a single item read "
                               "with additional condition")
    on_index = {"Statement": f"EXISTS(SELECT * FROM \"{books}\".\"by-genre\" WHERE genre = 'novel' AND title = 'x')"}
    assert error_of(ddb.execute_transaction, TransactStatements=[update, on_index]) == (
        "ValidationException", "Validation failed in TransactStatements[1]: Operations on indices are not supported "
                               "in transactions")
    guarded = {"Statement": f"EXISTS(SELECT * FROM \"{books}\" WHERE shelf = 's1' AND position = 1 "
                            "AND title = 'Emma')"}
    assert ddb.execute_transaction(TransactStatements=[guarded, update])["Responses"] == []


@pytest.mark.parametrize("returning", ["ALL NEW", "MODIFIED OLD", "MODIFIED NEW"])
def test_a_delete_returns_only_the_old_item(ddb, books, returning):
    delete = f"DELETE FROM \"{books}\" WHERE shelf = 's1' AND position = 1 RETURNING "
    assert _refused(ddb, delete + returning + " *") == (
        "ValidationException",
        f"Invalid returning clause: RETURNING {returning} *. Only RETURNING ALL OLD * is allowed in DELETE statements.")
    assert ddb.execute_statement(Statement=delete + "ALL OLD *")["Items"][0]["title"] == {"S": "Emma"}


def test_a_global_index_read_names_only_what_it_projects(ddb, books):
    on_index = f"\"{books}\".\"by-genre\" WHERE genre = 'novel'"
    assert _refused(ddb, f"SELECT title, shelf, author FROM {on_index}") == (
        "ValidationException", "One or more parameter values were invalid: Global secondary index by-genre does not "
                               "project [title, author]")
    assert ddb.execute_statement(Statement=f"SELECT shelf, genre FROM {on_index}")["Items"] == [
        {"shelf": {"S": "s1"}, "genre": {"S": "novel"}}]


def test_an_unknown_index_is_not_named(ddb, books):
    assert _refused(ddb, f"SELECT * FROM \"{books}\".\"by-author\" WHERE author = 'x'") == (
        "ValidationException", "The table does not have the specified index")


@pytest.mark.parametrize("bag, message", [
    ("<<>>", "Empty bags are not supported"),
    ("<<1, 'a'>>", "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
    ("<<true>>", "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
])
def test_a_bag_is_a_set_of_strings_or_of_numbers(ddb, books, bag, message):
    assert _refused(ddb, f"UPDATE \"{books}\" SET tags = {bag} WHERE shelf = 's1' AND position = 1") == (
        "ValidationException", message)
    assert _refused(ddb, f"INSERT INTO \"{books}\" VALUE {{'shelf': 's3', 'position': 1, 'tags': {bag}}}") == (
        "ValidationException", message)


def test_a_select_list_names_each_attribute_once_and_unaliased(ddb, books):
    where = "WHERE shelf = 's1' AND position = 1"
    assert _refused(ddb, f"SELECT title, shelf, title FROM \"{books}\" {where}") == (
        "ValidationException", "Duplicate identifiers in select clause: title")
    assert _refused(ddb, f"SELECT title AS name FROM \"{books}\" {where}") == (
        "ValidationException", "Aliasing is not supported")


def test_from_names_a_table_and_at_most_an_index(ddb, books):
    assert _refused(ddb, f"SELECT * FROM \"{books}\".\"by-genre\".\"extra\" WHERE genre = 'novel'") == (
        "ValidationException", "A path may contain at most 2 components in the FROM clause")
    for source in ('""', f"\"{books}\".\"\""):
        assert _refused(ddb, f"SELECT * FROM {source} WHERE shelf = 's1'") == (
            "ValidationException", "Path component cannot be an empty string")


def test_an_order_compares_strings_numbers_or_binaries(ddb, books):
    assert _refused(ddb, f"SELECT shelf FROM \"{books}\" WHERE shelf = 's1' AND title < ?",
                    Parameters=[{"BOOL": True}]) == (
        "ValidationException", "Incorrect operand type for operator or function; operator or function: <, operand "
                               "type: BOOL")


def test_a_read_of_an_index_partition_filters_on_what_it_projects(ddb, books):
    on_index = f"SELECT shelf FROM \"{books}\".\"by-genre\" WHERE genre = 'novel' AND "
    assert _refused(ddb, on_index + "(title = 'Emma' OR author = 'x' OR \"year\" = 1815)") == (
        "ValidationException", "One or more parameter values were invalid: Secondary index by-genre does not project "
                               "one or more filter attributes: [title, author, year]")
    assert ddb.execute_statement(Statement=on_index + "\"position\" = 1")["Items"] == [{"shelf": {"S": "s1"}}]
