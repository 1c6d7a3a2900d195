"""A growth analyst reports newsletter engagement from an event table (CSV: day, user,
campaign, opened) with boto3's Athena client. Unique readers are kept as daily
HyperLogLog sketches (approx_set) that merge() folds into the week's count, as
approx_distinct counts it directly; empty_approx_set() stands in for a day without
events. approx_most_frequent names the top campaigns; bool_and / bool_or / count_if /
arbitrary summarise opens; listagg lists each campaign's readers in order, and a list
past Trino's 1 MB output limit fails, or, ON OVERFLOW TRUNCATE ... WITH COUNT, ends
with the filler and the number of readers left out. A calendar from WITH RECURSIVE and
campaign owners typed inline with VALUES are joined in, and a TABLESAMPLE BERNOULLI of
100 (0) percent keeps every (no) row."""
import pytest

from sqla_helpers import loaded_table

EVENTS = """2024-04-01,u1,spring,true
2024-04-01,u2,spring,false
2024-04-01,u1,promo,true
2024-04-02,u2,spring,true
2024-04-02,u3,spring,true
2024-04-04,u3,promo,false
2024-04-04,u4,digest,\\N
"""


@pytest.fixture
def events(client, bucket, database):
    return loaded_table(client, bucket, database, "events/2024-04.csv", EVENTS.encode(), f"""
        CREATE EXTERNAL TABLE events (day date, user_id string, campaign string, opened boolean)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/events/'""")


def test_daily_sketches_merged_into_the_week(events):
    rows, _ = events
    columns, found = rows("""
        WITH daily AS (SELECT day, approx_set(user_id) AS readers FROM events GROUP BY day)
        SELECT cardinality(merge(readers)) AS weekly, sum(cardinality(readers)) AS summed_daily,
               (SELECT approx_distinct(user_id) FROM events) AS direct, count(*) AS days,
               cardinality(empty_approx_set()) AS nobody
        FROM daily""")
    assert columns == [("weekly", "bigint"), ("summed_daily", "bigint"), ("direct", "bigint"), ("days", "bigint"),
                       ("nobody", "bigint")]
    assert found == [["4", "6", "4", "3", "0"]]
    _, found = rows("""SELECT day, cardinality(approx_set(user_id)) FROM events GROUP BY day ORDER BY day""")
    assert found == [["2024-04-01", "2"], ["2024-04-02", "2"], ["2024-04-04", "2"]]


def test_top_campaigns_and_opens(events):
    rows, _ = events
    columns, found = rows("""
        SELECT element_at(approx_most_frequent(2, campaign, 100), 'spring') AS spring,
               element_at(approx_most_frequent(2, campaign, 100), 'digest') AS digest,
               cardinality(approx_most_frequent(2, campaign, 100)) AS kept
        FROM events""")
    assert columns == [("spring", "bigint"), ("digest", "bigint"), ("kept", "bigint")]
    assert found == [["4", None, "2"]]
    columns, found = rows("""
        SELECT campaign, bool_and(opened) AS all_opened, bool_or(opened) AS any_opened,
               count_if(opened) AS opens, arbitrary(day) AS a_day,
               listagg(user_id, '; ') WITHIN GROUP (ORDER BY user_id DESC) AS readers
        FROM events GROUP BY campaign ORDER BY campaign""")
    assert columns == [("campaign", "varchar"), ("all_opened", "boolean"), ("any_opened", "boolean"),
                       ("opens", "bigint"), ("a_day", "date"), ("readers", "varchar")]
    assert found == [["digest", None, None, "0", "2024-04-04", "u4"],
                     ["promo", "false", "true", "1", found[1][4], "u3; u1"],
                     ["spring", "false", "true", "3", found[2][4], "u3; u2; u2; u1"]]
    assert found[1][4] in ("2024-04-01", "2024-04-04") and found[2][4] in ("2024-04-01", "2024-04-02")


def test_reader_list_past_the_limit(events):
    rows, refused = events
    # 1100 padded ids of 1000 bytes: 1047 fit with their commas in 1048576 bytes
    padded = "SELECT n, lpad(CAST(n AS varchar), 1000, '0') AS id FROM UNNEST(sequence(1, 1100)) AS s(n)"
    assert refused(f"SELECT listagg(id, ',') WITHIN GROUP (ORDER BY n) FROM ({padded})") == (
        "EXCEEDED_FUNCTION_MEMORY_LIMIT: Concatenated string has the length in bytes larger than the maximum "
        "output length 1048576")
    _, found = rows(f"""
        SELECT length(readers), substr(readers, length(readers) - 12)
        FROM (SELECT listagg(id, ',' ON OVERFLOW TRUNCATE '...' WITH COUNT) WITHIN GROUP (ORDER BY n) AS readers
              FROM ({padded}))""")
    assert found == [["1048054", "01047,...(53)"]]
    _, found = rows(f"""
        SELECT length(readers), substr(readers, length(readers) - 6)
        FROM (SELECT listagg(id, ' | ' ON OVERFLOW TRUNCATE '[more]' WITHOUT COUNT) WITHIN GROUP (ORDER BY n DESC)
                     AS readers FROM ({padded}))""")
    _, short = rows("""SELECT listagg(DISTINCT campaign, ',' ON OVERFLOW TRUNCATE WITH COUNT)
                              WITHIN GROUP (ORDER BY campaign) FROM events""")
    assert short == [["digest,promo,spring"]]
    # newest first: 1045 ids of 1000 bytes and 1044 separators of 3, then ' | [more]'
    assert found == [["1048141", " [more]"]]


def test_calendar_owners_and_samples(events):
    rows, _ = events
    columns, found = rows("""
        WITH RECURSIVE calendar (day) AS (
            SELECT DATE '2024-04-01' UNION ALL SELECT day + INTERVAL '1' DAY FROM calendar WHERE day < DATE '2024-04-04')
        SELECT c.day, count(e.user_id) AS events FROM calendar c LEFT JOIN events e ON e.day = c.day
        GROUP BY c.day ORDER BY c.day""")
    assert columns == [("day", "date"), ("events", "bigint")]
    assert found == [["2024-04-01", "3"], ["2024-04-02", "2"], ["2024-04-03", "0"], ["2024-04-04", "2"]]
    _, found = rows("""
        SELECT o.owner, count(*) FROM events e
        JOIN (VALUES ('spring', 'ana'), ('promo', 'bo'), ('digest', 'ana')) AS o (campaign, owner)
          ON o.campaign = e.campaign
        GROUP BY o.owner ORDER BY o.owner""")
    assert found == [["ana", "5"], ["bo", "2"]]
    _, found = rows("""SELECT (SELECT count(*) FROM events TABLESAMPLE BERNOULLI (100)),
                              (SELECT count(*) FROM events TABLESAMPLE BERNOULLI (0))""")
    assert found == [["7", "0"]]
