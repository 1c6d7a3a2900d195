"""GetQueryResults pages made from the result file's bytes (`result_pages`, `read_rows`)
are byte for byte what the model-driven serializer writes for the same rows, on plain
pages and on pages of values that need escaping, whatever the page size."""
import random

import pytest

from lakebox.aws.routing import Route
from lakebox.aws.serialize import serialize
from lakebox.aws.specs import spec_for
from lakebox.services.athena import result_pages, results

TRICKY = ["", None, "plain", "é ü 日本 🎉", 'say "hi"', '"', '""', ",", '","', "a,b", "two\nlines", "\r\n",
          "tab\there", "\x00\x01\x1f", "\x7f", "\u2028\u2029", "back\\slash", "\\", "/", "<&>", "{}", "null",
          " padded ", "'quoted'"]


def athena_csv(rows: list[list]) -> bytes:
    """Rows as Athena writes a result file: every value quoted, NULL as nothing."""
    return "".join(",".join("" if value is None else '"' + value.replace('"', '""') + '"' for value in row) + "\n"
                   for row in rows).encode()


def generic_body(rows: list[list], token: str | None = None) -> bytes:
    """The body the model-driven serializer writes for these rows."""
    return _body({"Rows": [{"Data": [{} if value is None else {"VarCharValue": value} for value in row]}
                           for row in rows]}, token)


def _body(result_set: dict, token: str | None) -> bytes:
    spec = spec_for("athena")
    answer = {"UpdateCount": 0, "ResultSet": {**result_set, "ResultSetMetadata": {"ColumnInfo": []}}}
    if token:
        answer["NextToken"] = token
    return serialize(Route(spec, spec.operation("GetQueryResults"), {}, "json"), answer, "request").body


def pages(path: str, limit: int) -> list[tuple[bytes, int]]:
    """Every page of the file as (body, rows in it)."""
    found, offset = [], 0
    while True:
        rows, count, offset = results.read_rows(path, offset, limit)
        found.append((_body({"Rows": rows}, "next" if offset is not None else None), count))
        if offset is None:
            return found


def expected_pages(rows: list[list], limit: int) -> list[tuple[bytes, int]]:
    chunks = [rows[start:start + limit] for start in range(0, len(rows), limit)] or [[]]
    return [(generic_body(chunk, "next" if number < len(chunks) - 1 else None), len(chunk))
            for number, chunk in enumerate(chunks)]


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 1000])
def test_tricky_values_page_as_the_serializer_writes_them(tmp_path, limit):
    rows = [["a", "b", "c"]] + [[TRICKY[(i + j) % len(TRICKY)] for j in range(3)] for i in range(len(TRICKY))]
    path = tmp_path / "result.csv"
    path.write_bytes(athena_csv(rows))
    assert pages(str(path), limit) == expected_pages(rows, limit)


@pytest.mark.parametrize("rows", [
    [["h1", "h2"], ["x", "y"], ["", None], [None, ""], [None, None], ["é", "a,b"]],
    [["only"], [None], [None], ["x"], [""]],
    [["a", "b"], [None, None], [None, None]],
], ids=["nulls-and-empties", "one-column-nulls", "all-null-rows"])
def test_plain_pages_take_the_fast_path_and_match(tmp_path, rows):
    data = athena_csv(rows)
    assert result_pages.plain_rows(data) == generic_body(rows)[len(b'{"UpdateCount":0,"ResultSet":{"Rows":'):].split(
        b',"ResultSetMetadata"')[0]
    path = tmp_path / "result.csv"
    path.write_bytes(data)
    assert pages(str(path), 2) == expected_pages(rows, 2)


@pytest.mark.parametrize("value", ['say "hi"', "two\nlines", "back\\slash", "\x01", "\r"])
def test_a_value_that_needs_escaping_is_no_plain_page(value):
    assert result_pages.plain_rows(athena_csv([["a", "b"], [value, "x"]])) is None


def test_a_page_cut_before_its_last_newline_is_no_plain_page():
    assert result_pages.plain_rows(b'"a","b"') is None


def test_random_results_page_alike(tmp_path):
    chooser = random.Random(20261203)
    alphabet = ['"', ",", "\n", "\\", "a", "é", "\x00", " ", "🎉", "\t"]
    for attempt in range(30):
        width = chooser.randint(1, 4)
        rows = [[None if chooser.random() < 0.2 else
                 "".join(chooser.choice(alphabet if chooser.random() < 0.3 else "abc, ") for _ in range(
                     chooser.randint(0, 6))) for _ in range(width)] for _ in range(chooser.randint(0, 40))]
        path = tmp_path / f"result{attempt}.csv"
        path.write_bytes(athena_csv(rows))
        limit = chooser.randint(1, 12)
        assert pages(str(path), limit) == expected_pages(rows, limit), rows


def test_pages_larger_than_the_first_window(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "_ROW_BYTES", 1)        # the first read holds part of a row
    rows = [["v" * 50, str(i)] for i in range(30)]
    path = tmp_path / "result.csv"
    path.write_bytes(athena_csv(rows))
    assert pages(str(path), 10) == expected_pages(rows, 10)
