from lakebox.engine import regex_patterns


def test_named_groups_are_numbered_among_the_capturing_ones():
    pattern, names = regex_patterns.named_groups(r"(\d+)(?:-)(?<m>\d+)[(?<x>]\((?<d>\d+)")
    assert pattern == r"(\d+)(?:-)(?P<m>\d+)[(?<x>]\((?P<d>\d+)"
    assert names == {"m": 2, "d": 3}


def test_a_replacement_names_groups_by_number():
    assert regex_patterns.numbered_replacement(r"${b}-\${a}-${a}", {"a": 1, "b": 2}) == r"$2-\${a}-$1"
    assert regex_patterns.numbered_replacement("${c}", {"a": 1}) is None
