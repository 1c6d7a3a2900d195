"""PartiQL writes keep an item within 32 levels of nesting, its attributes' own level
counted: a write that would nest it deeper is "Nesting Levels have exceeded supported
limits", as a statement's error, a transaction's ValidationError reason, or a batch
statement's error naming its table; an attribute of 31 maps around a value is stored (a
public test suite's records of DynamoDB's answers)."""
import pytest
from botocore.exceptions import ClientError
from ddb_helpers import error_of

NESTING = "Nesting Levels have exceeded supported limits"


def _maps(levels):
    value = {"S": "x"}
    for _ in range(levels):
        value = {"M": {"a": value}}
    return value


def test_a_write_that_nests_too_deep(ddb, make_table):
    docs = make_table(range=("sk", "S"))
    ddb.put_item(TableName=docs, Item={"pk": {"S": "d"}, "sk": {"S": "1"}, "m": {"M": {}}})
    update = f"UPDATE \"{docs}\" SET m.deep = ? WHERE pk = 'd' AND sk = '1'"
    assert error_of(ddb.execute_statement, Statement=update, Parameters=[_maps(31)]) == ("ValidationException",
                                                                                          NESTING)
    with pytest.raises(ClientError) as caught:
        ddb.execute_transaction(TransactStatements=[{"Statement": update, "Parameters": [_maps(31)]}])
    assert caught.value.response["CancellationReasons"] == [{"Code": "ValidationError", "Message": NESTING}]
    answer = ddb.batch_execute_statement(Statements=[{"Statement": update, "Parameters": [_maps(31)]}])
    assert answer["Responses"] == [{"Error": {"Code": "ValidationError", "Message": NESTING}, "TableName": docs}]
    insert = f"INSERT INTO \"{docs}\" VALUE {{'pk': 'e', 'sk': '1', 'd': ?}}"
    assert error_of(ddb.execute_statement, Statement=insert, Parameters=[_maps(32)]) == ("ValidationException",
                                                                                          NESTING)
    ddb.execute_statement(Statement=insert, Parameters=[_maps(31)])
    ddb.execute_statement(Statement=f"UPDATE \"{docs}\" SET m.deep = ? WHERE pk = 'd' AND sk = '1'",
                          Parameters=[_maps(30)])
    kept = ddb.execute_statement(Statement=f"SELECT pk FROM \"{docs}\" WHERE pk IN ['d', 'e']")["Items"]
    assert sorted(item["pk"]["S"] for item in kept) == ["d", "e"]
