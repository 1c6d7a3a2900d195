"""Reading Athena result files back: NULL against empty strings, quotes, newlines, pages."""
from lakebox.services.athena.results import parse_athena_csv

TEXT = '"a","b"\n"1",\n"","say ""hi"""\n"two\nlines","x"\n'


def test_nulls_empty_strings_quotes_and_newlines():
    rows, end = parse_athena_csv(TEXT)
    assert rows == [["a", "b"], ["1", None], ["", 'say "hi"'], ["two\nlines", "x"]]
    assert end is None


def test_pages_resume_where_they_stopped():
    first, offset = parse_athena_csv(TEXT, 0, 2)
    rest, end = parse_athena_csv(TEXT, offset, 10)
    assert first + rest == parse_athena_csv(TEXT)[0] and end is None
