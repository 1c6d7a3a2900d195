"""A support engineer mines an application log (tab-separated: time, level, message)
with boto3's Athena client and Java regular expressions: regexp_extract_all lists the
numbers and the key=value names of each message, regexp_extract takes the user of a
login (NULL where there is none), regexp_replace masks e-mail addresses with a lambda
over the groups and card numbers with `$1` references, regexp_count and regexp_position
find the n-th `id=`, regexp_split cuts request paths, regexp_like flags timeouts in any
case, levenshtein_distance catches misspelt levels and luhn_check tells real card
numbers from typos; lookbehinds, lookaheads and back references (Java's syntax) pick out
users, ids, durations and doubled digits. Her slips fail as Trino fails them: a group number past the
pattern's groups, a negative one, and a replacement naming a group the pattern lacks
(only once a message matches: a day without such messages passes)."""
import pytest

from sqla_helpers import loaded_table

LOG = "\n".join("\t".join(fields) for fields in [
    ("2024-06-01 09:00:00", "INFO", "login user=ana from=10.0.0.7 took=35ms"),
    ("2024-06-01 09:00:02", "ERROR", "payment id=881 id=882 failed for ana.lima@example.com card 4539578763621486"),
    ("2024-06-01 09:01:10", "EROR", "Timeout calling GET /api/v2/orders/77 after 3000 ms"),
    ("2024-06-01 09:02:00", "WARN", "retry id=17 for bo@mail.example.org card 4539578763621487"),
    ("2024-06-01 09:03:00", "INFO", "timeout budget set to 500 ms"),
]) + "\n"


@pytest.fixture
def log(client, bucket, database):
    return loaded_table(client, bucket, database, "applog/day=2024-06-01/part-0.tsv", LOG.encode(), f"""
        CREATE EXTERNAL TABLE applog (ts string, level string, message string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' LOCATION 's3://{bucket}/applog/day=2024-06-01/'""")


def test_numbers_names_and_users(log):
    rows, _ = log
    columns, found = rows(r"""
        SELECT regexp_extract_all(message, '\d+') AS numbers,
               regexp_extract_all(message, '(\w+)=(\w+)', 1) AS names,
               regexp_extract(message, 'user=(\w+)', 1) AS login_user,
               regexp_extract(message, 'took=(\d+)ms') AS took
        FROM applog ORDER BY ts""")
    assert columns == [("numbers", "array"), ("names", "array"), ("login_user", "varchar"), ("took", "varchar")]
    assert found == [
        ["[10, 0, 0, 7, 35]", "[user, from, took]", "ana", "took=35ms"],
        ["[881, 882, 4539578763621486]", "[id, id]", None, None],
        ["[2, 77, 3000]", "[]", None, None],
        ["[17, 4539578763621487]", "[id]", None, None],
        ["[500]", "[]", None, None]]


def test_addresses_and_cards_masked(log):
    rows, _ = log
    _, found = rows(r"""
        SELECT regexp_replace(regexp_replace(message, '(\w)[\w.]*@([\w.]+)', x -> x[1] || '***@' || x[2]),
                              '(\d{4})\d{8}(\d{4})', '$1********$2')
        FROM applog WHERE level IN ('ERROR', 'WARN') ORDER BY ts""")
    assert found == [["payment id=881 id=882 failed for a***@example.com card 4539********1486"],
                     ["retry id=17 for b***@mail.example.org card 4539********1487"]]


def test_ids_timeouts_and_paths(log):
    rows, _ = log
    columns, found = rows(r"""
        SELECT level, regexp_count(message, 'id=\d+') AS ids, regexp_position(message, 'id=') AS first_id,
               regexp_position(message, 'id=', 1, 2) AS second_id, regexp_like(message, '(?i)^timeout') AS timeout,
               regexp_split(regexp_extract(message, '/[\w/]+'), '/') AS path,
               levenshtein_distance(level, 'ERROR') AS from_error
        FROM applog ORDER BY ts""")
    assert columns == [("level", "varchar"), ("ids", "bigint"), ("first_id", "integer"), ("second_id", "integer"),
                       ("timeout", "boolean"), ("path", "array"), ("from_error", "bigint")]
    assert found == [
        ["INFO", "0", "-1", "-1", "false", None, "4"],
        ["ERROR", "2", "9", "16", "false", None, "0"],
        ["EROR", "0", "-1", "-1", "true", "[, api, v2, orders, 77]", "1"],
        ["WARN", "1", "7", "-1", "false", None, "4"],
        ["INFO", "0", "-1", "-1", "true", None, "4"]]


def test_card_numbers_checked(log):
    rows, _ = log
    _, found = rows(r"""
        SELECT card, luhn_check(card) FROM applog
        CROSS JOIN UNNEST(regexp_extract_all(message, '\b\d{16}\b')) AS c(card) ORDER BY card""")
    assert found == [["4539578763621486", "true"], ["4539578763621487", "false"]]


def test_group_slips_refused(log):
    rows, refused = log
    assert refused(r"SELECT regexp_extract(message, '(\w+)=(\w+)', 3) FROM applog") == \
        "INVALID_FUNCTION_ARGUMENT: Pattern has 2 groups. Cannot access group 3"
    assert refused(r"SELECT regexp_extract_all(message, 'id=\d+', 1) FROM applog") == \
        "INVALID_FUNCTION_ARGUMENT: Pattern has 0 groups. Cannot access group 1"
    assert refused(r"SELECT regexp_extract(message, 'id=(\d+)', -1) FROM applog") == \
        "INVALID_FUNCTION_ARGUMENT: Group cannot be negative"
    assert refused(r"SELECT regexp_replace(message, 'id=(\d+)', 'id=$2') FROM applog") == \
        "INVALID_FUNCTION_ARGUMENT: Illegal replacement sequence: unknown group 2"
    assert refused(r"SELECT regexp_replace(message, '(?<user>\w+)@', '${name}@') FROM applog") == \
        "INVALID_FUNCTION_ARGUMENT: Illegal replacement sequence: unknown group { name }"
    # the INFO messages hold no id: the replacement is never read
    _, found = rows(r"SELECT count(regexp_replace(message, 'id=(\d+)', 'id=$2')) FROM applog WHERE level = 'INFO'")
    assert found == [["2"]]


def test_lookarounds_and_back_references(log):
    rows, _ = log
    columns, found = rows(r"""
        SELECT regexp_extract(message, '(?<=user=)\w+') AS login_user,
               regexp_extract_all(message, '(?<=id=)\d+') AS ids,
               regexp_extract(message, '\d+(?=\s*ms)') AS millis,
               regexp_like(message, '^(?!login|payment)') AS other,
               regexp_count(message, '(\d)\1') AS doubled_digits,
               regexp_replace(message, '(?<=id=)(\d)\d*', '$1**') AS masked_ids
        FROM applog ORDER BY ts""")
    assert columns == [("login_user", "varchar"), ("ids", "array"), ("millis", "varchar"), ("other", "boolean"),
                       ("doubled_digits", "bigint"), ("masked_ids", "varchar")]
    assert [row[:5] for row in found] == [
        ["ana", "[]", "35", "false", "0"],
        [None, "[881, 882]", None, "false", "2"],
        [None, "[]", "3000", "true", "2"],
        [None, "[17]", None, "true", "0"],
        [None, "[]", "500", "true", "1"]]
    assert [row[5] for row in found if "id=" in row[5]] == [
        "payment id=8** id=8** failed for ana.lima@example.com card 4539578763621486",
        "retry id=1** for bo@mail.example.org card 4539578763621487"]


def test_patterns_that_match_nothing(log):
    rows, _ = log
    # an empty match is taken right after a match too, as Java takes it
    _, found = rows(r"""SELECT regexp_split(level, ''), regexp_count(level, ''), regexp_replace(level, 'R*', '-'),
                               regexp_replace(level, '\s*', '')
                        FROM applog WHERE level = 'EROR'""")
    assert found == [["[, E, R, O, R, ]", "5", "-E--O--", "EROR"]]
