"""S3 Select's pure pieces: the statement checked and translated (engine/s3select.py),
scan ranges cut at record starts, and output records written (select_input/_output)."""
import datetime
import decimal

import pytest

from lakebox.engine import s3select
from lakebox.engine.s3select import Resolved, SelectSqlError, Step
from lakebox.services.s3 import select_input, select_output


def translated(expression, columns=("_1", "_2")):
    query = s3select.parse(expression)
    resolved = {steps: Resolved(f'"{steps[0].key}"', text=True) for steps in query.references}
    star = [(name, Resolved(f'"{name}"', text=True)) for name in columns]
    return s3select.translate(query, resolved, star, 0.0)


def test_references_drop_the_alias_and_keep_quoting_and_indexes():
    query = s3select.parse('SELECT s."Name", s.a.b[2], _3 FROM S3Object AS s')
    assert query.references == [(Step(key="Name", quoted=True),), (Step(key="a"), Step(key="b"), Step(index=2)),
                                (Step(key="_3"),)]
    assert query.alias == "s" and not query.star


def test_a_trailing_semicolon_ends_the_statement():
    assert s3select.parse("SELECT * FROM s3object;").star


def test_from_path_of_a_json_document():
    query = s3select.parse("SELECT r.k FROM S3Object[*].Records[*] r")
    assert query.from_path == [("each",), ("key", "Records"), ("each",)]
    assert query.references == [(Step(key="k"),)]


def test_text_compared_with_a_number_is_read_as_one():
    sql, names, raw = translated("SELECT s._1 FROM s3object s WHERE s._2 > 10 AND s._1 = 'x'")
    assert sql == ('SELECT ("_1") FROM s3object WHERE TRY_CAST(("_2") AS DOUBLE) > 10 AND ("_1") = \'x\'')
    assert (names, raw) == (["_1"], [False])


def test_text_in_arithmetic_is_read_as_a_number():
    sql, _, _ = translated("SELECT s._1 * 2 + 1 FROM s3object s")
    assert sql == 'SELECT TRY_CAST(("_1") AS DOUBLE) * 2 + 1 FROM s3object'


def test_output_names_alias_key_or_position():
    _, names, _ = translated("SELECT s._1 AS first, s._2, COUNT(*) FROM s3object s")
    assert names == ["first", "_2", "_3"]


def test_star_selects_every_column():
    sql, names, _ = translated("SELECT * FROM s3object", columns=("a", "b"))
    assert sql == 'SELECT ("a"), ("b") FROM s3object' and names == ["a", "b"]


def test_date_functions_and_missing():
    sql, _, _ = translated("SELECT DATE_ADD(month, 2, TO_TIMESTAMP(s._1)), EXTRACT(YEAR FROM UTCNOW()) "
                           "FROM s3object s WHERE s._2 IS MISSING")
    assert "AS TIMESTAMPTZ) + TO_MONTHS(2)" in sql
    assert "DATE_PART('year', CAST('1970-01-01T00:00:00+00:00' AS TIMESTAMPTZ))" in sql
    assert sql.endswith('WHERE ("_2") IS NULL')


@pytest.mark.parametrize("expression,code", [
    ("SELECT * FORM s3object", "ParseUnexpectedToken"),
    ("SELECT 1", "ParseSelectMissingFrom"),
    ("SELECT * FROM other", "UnsupportedSyntax"),
    ("SELECT s._1 FROM s3object s GROUP BY s._1", "UnsupportedSyntax"),
    ("SELECT *, s._1 FROM s3object s", "ParseAsteriskIsNotAloneInSelectList"),
    ("SELECT t._1 FROM s3object s", "InvalidTableAlias"),
    ("SELECT s._1 FROM s3object s LIMIT -1", "EvaluatorNegativeLimit"),
    ("SELECT " + "s._1, " * 60000 + "s._1 FROM s3object s", "ExpressionTooLong"),
])
def test_statements_s3_refuses(expression, code):
    with pytest.raises(SelectSqlError) as raised:
        query = s3select.parse(expression)
        s3select.translate(query, {steps: Resolved("x") for steps in query.references}, [], 0.0)
    assert raised.value.code == code


def test_unsupported_function_is_refused_when_translated():
    with pytest.raises(SelectSqlError) as raised:
        translated("SELECT MD5(s._1) FROM s3object s")
    assert raised.value.code == "UnsupportedFunction"


def test_scan_bounds_and_record_starts():
    assert select_input.scan_bounds({"Start": 5}, 20) == (5, 19)
    assert select_input.scan_bounds({"End": 4}, 20) == (16, 19)
    assert select_input.scan_bounds({"Start": 2, "End": 50}, 20) == (2, 19)
    data = b"aa\nbb\ncc\n"
    assert select_input.record_slice(data, 0, 2, b"\n") == (0, 3)          # aa: starts at 0
    assert select_input.record_slice(data, 1, 3, b"\n") == (3, 6)          # bb starts at 3
    assert select_input.record_slice(data, 4, 8, b"\n") == (6, 9)          # cc starts at 6
    assert select_input.record_slice(data, 7, 8, b"\n") == (9, 9)          # nothing starts there
    assert select_input.record_slice(data, 20, 30, b"\n") == (9, 9)        # past the end


def test_json_and_csv_records():
    write = select_output.writer({"JSON": {}}, ["a", "b", "c"], [False, True, False], False)
    assert write((decimal.Decimal("2.50"), '{"x":[1]}', None)) == '{"a":2.5,"b":{"x":[1]}}\n'
    stamp = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    write = select_output.writer({"CSV": {"FieldDelimiter": "\t"}}, ["a", "b", "c"], [False] * 3, False)
    assert write((stamp, 'say "hi"', True)) == '2020-01-02T03:04:05Z\t"say ""hi"""\ttrue\n'


def test_record_delimiters_and_quote_escapes_of_the_output():
    write = select_output.writer({"JSON": {"RecordDelimiter": ","}}, ["a"], [False], False)
    assert write(("x",)) == '{"a":"x"},'
    write = select_output.writer({"CSV": {"QuoteEscapeCharacter": "\\", "QuoteFields": "ASNEEDED"}}, ["a", "b"],
                                 [False, False], False)
    assert write(('a"b', "plain")) == '"a\\"b",plain\n'
    whole = select_output.writer({"CSV": {}}, [""], [True], True)
    assert whole(('{"k":"v, w","n":{"x":1}}',)) == '"v, w","{""x"":1}"\n'
