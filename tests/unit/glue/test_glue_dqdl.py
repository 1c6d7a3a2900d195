"""DQDL read as Glue Data Quality reads it (awslabs/dqdl's parser and rules-config.json;
the DQDL reference): rules, their descriptions, conditions (`between` excludes its
bounds) and the refusals in the parser's words."""
import pytest

from lakebox.services.glue.dq_rules import DqdlError, parse


def test_rules_are_read_and_described():
    rules = parse('''Rules = [
        RowCount between 10 and 20,
        ColumnValues "status" in ["A", "B", NULL] with threshold > 0.9,
        IsComplete "id" where "region = 'eu'",
        DataFreshness "ts" <= 2 days,
        (Mean "x" > 1) or (IsUnique "x"),
        CustomSql "select id from primary where qty > 0"
    ]''')
    assert [rule.describe() for rule in rules] == [
        "RowCount between 10 and 20",
        'ColumnValues "status" in ["A","B",NULL] with threshold > 0.9',
        'IsComplete "id" where "region = \'eu\'"',
        'DataFreshness "ts" <= 2 days',
        '(Mean "x" > 1) or (IsUnique "x")',
        'CustomSql "select id from primary where qty > 0"']
    assert rules[3].condition.operands == [48.0]
    between = rules[0].condition
    assert [between.holds(v) for v in (10.0, 15.0, 20.0)] == [False, True, False]


@pytest.mark.parametrize("text, message", [
    ('Rules = [ IsComplet "id" ]', "Rule Type: IsComplet is not valid"),
    ('Rules = [ ColumnCorrelation "a" > 0.5 ]', "Rule Type: ColumnCorrelation is not valid"),
    ('Rules = [ Sum "a" ]', "No condition provided for rule with non-boolean rule type: Sum"),
    ('Rules = [ IsUnique "a" = 1 ]', "Unexpected condition for rule of type IsUnique with boolean return type"),
    ('Rules = [ AllStatistics "a" ]', "Type AllStatistics is not supported in rules section"),
    ("Rules = [ ]", "No rules provided."),
    ("Analyzers = [ RowCount ]", "No rules provided."),
])
def test_refusals_are_the_parsers(text, message):
    with pytest.raises(DqdlError) as refused:
        parse(text)
    assert str(refused.value) == message
