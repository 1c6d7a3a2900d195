"""Reading Athena result files back: NULL against empty strings, quotes, newlines, and
pages that resume where the last one stopped, whatever the read window cuts."""
from lakebox.services.athena import results
from lakebox.services.athena.results import parse_athena_csv, read_page

DATA = b'"a","b"\n"1",\n"","say ""hi"""\n"two\nlines","x"\n'
ROWS = [["a", "b"], ["1", None], ["", 'say "hi"'], ["two\nlines", "x"]]


def test_nulls_empty_strings_quotes_and_newlines():
    rows, taken, done = parse_athena_csv(DATA, 100, True)
    assert rows == ROWS and taken == len(DATA) and done


def test_a_row_cut_by_the_window_waits_for_more():
    rows, taken, done = parse_athena_csv(DATA[:25], 100, False)
    assert rows == ROWS[:2] and taken == 13 and not done


def test_pages_resume_where_they_stopped(tmp_path, monkeypatch):
    path = tmp_path / "result.csv"
    path.write_bytes(DATA)
    monkeypatch.setattr(results, "_WINDOW", 7)          # windows smaller than a row
    first, offset = read_page(str(path), 0, 2)
    rest, end = read_page(str(path), offset, 10)
    assert first + rest == ROWS and end is None


def _decode(data: bytes) -> list[tuple[int, object]]:
    """A protobuf message as (field number, bytes or int) pairs, as a reader sees it."""
    fields, position = [], 0
    while position < len(data):
        key, position = _varint_at(data, position)
        if key & 7 == 2:
            length, position = _varint_at(data, position)
            fields.append((key >> 3, data[position:position + length]))
            position += length
        else:
            value, position = _varint_at(data, position)
            fields.append((key >> 3, value))
    return fields


def _varint_at(data: bytes, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, position


def test_the_metadata_file_holds_each_column_as_athena_writes_it():
    data = results.metadata_bytes([("id", "INTEGER"), ("price", "DECIMAL(12,2)"), ("n" * 200, "VARCHAR")])
    columns = [dict(_decode(body)) for number, body in _decode(data) if number == 4]
    assert len(columns) == 3
    assert columns[0] == {1: b"hive", 4: b"id", 5: b"id", 6: b"integer", 7: 10, 8: 0, 9: 3, 10: 0}
    assert (columns[1][6], columns[1][7], columns[1][8]) == (b"decimal", 12, 2)
    assert columns[2][4] == b"n" * 200 and columns[2][7] == 2147483647 and columns[2][10] == 1
