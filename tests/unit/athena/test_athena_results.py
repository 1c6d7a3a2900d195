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
