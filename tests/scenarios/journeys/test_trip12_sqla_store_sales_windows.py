"""A retail analyst builds a store dashboard from daily sales (a CSV table; a day a
till sent nothing is \\N) with boto3's Athena client: three-row moving averages (ROWS),
a two-day trailing sum over the dates (RANGE with an INTERVAL), the current and the
previous distinct sales level (GROUPS), yesterday's figure with a default, the last
known figure carried over the gaps (lag, last_value IGNORE NULLS), halves, percent
ranks and cumulative distributions, the second-best day per store with nth_value, and
the region and store subtotals with ROLLUP and GROUPING SETS told apart by grouping().
nth_value of position 0 fails as Trino fails it, and so do a DISTINCT count over a
window (an array_distinct of the window's array_agg counts instead), lag without an
ORDER BY, lead with a frame, IGNORE NULLS on sum and grouping() of a column the GROUP BY
does not name."""
import pytest

from sqla_helpers import loaded_table

SALES = """north,n1,2024-03-01,10
north,n1,2024-03-02,\\N
north,n1,2024-03-03,30
north,n1,2024-03-05,30
north,n2,2024-03-01,5
south,s1,2024-03-01,7
south,s1,2024-03-02,9
"""


@pytest.fixture
def sales(client, bucket, database):
    return loaded_table(client, bucket, database, "sales/2024-03.csv", SALES.encode(), f"""
        CREATE EXTERNAL TABLE sales (region string, store string, day date, amount int)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://{bucket}/sales/'""")


def test_moving_frames(sales):
    rows, _ = sales
    columns, found = rows("""
        SELECT day, amount,
               avg(amount) OVER (ORDER BY day ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS avg3,
               sum(amount) OVER (ORDER BY day RANGE BETWEEN INTERVAL '2' DAY PRECEDING AND CURRENT ROW) AS two_days,
               count(*) OVER (ORDER BY amount GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS near_levels
        FROM sales WHERE store = 'n1' ORDER BY day""")
    assert columns == [("day", "date"), ("amount", "integer"), ("avg3", "double"), ("two_days", "bigint"),
                       ("near_levels", "bigint")]
    # amounts ordered: NULL last by default, so 10 | 30 30 | NULL are three peer groups
    assert found == [["2024-03-01", "10", "10.0", "10", "1"],
                     ["2024-03-02", None, "10.0", "10", "3"],
                     ["2024-03-03", "30", "20.0", "40", "3"],
                     ["2024-03-05", "30", "30.0", "60", "3"]]


def test_gaps_carried_over(sales):
    rows, _ = sales
    _, found = rows("""
        SELECT day, lag(amount, 1, 0) OVER w AS yesterday, lag(amount) IGNORE NULLS OVER w AS last_reported,
               lead(amount, 2, -1) OVER w AS in_two,
               last_value(amount) IGNORE NULLS OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS filled,
               first_value(amount) OVER w AS first_day
        FROM sales WHERE store = 'n1' WINDOW w AS (ORDER BY day) ORDER BY day""")
    assert found == [["2024-03-01", "0", None, "30", "10", "10"],
                     ["2024-03-02", "10", "10", "30", "10", "10"],
                     ["2024-03-03", None, "10", "-1", "30", "10"],
                     ["2024-03-05", "30", "30", "-1", "30", "10"]]


def test_ranks_and_distributions(sales):
    rows, refused = sales
    columns, found = rows("""
        SELECT store, day, ntile(2) OVER w AS half, percent_rank() OVER w AS pr, cume_dist() OVER w AS cd,
               rank() OVER w AS rk,
               nth_value(day, 2) OVER (PARTITION BY store ORDER BY amount DESC NULLS LAST, day
                                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS second_best
        FROM sales WHERE amount IS NOT NULL WINDOW w AS (ORDER BY amount DESC) ORDER BY amount DESC, store, day""")
    assert columns == [("store", "varchar"), ("day", "date"), ("half", "bigint"), ("pr", "double"),
                       ("cd", "double"), ("rk", "bigint"), ("second_best", "date")]
    assert found == [["n1", "2024-03-03", "1", "0.0", "0.3333333333333333", "1", "2024-03-05"],
                     ["n1", "2024-03-05", "1", "0.0", "0.3333333333333333", "1", "2024-03-05"],
                     ["n1", "2024-03-01", "1", "0.4", "0.5", "3", "2024-03-05"],
                     ["s1", "2024-03-02", "2", "0.6", "0.6666666666666666", "4", "2024-03-01"],
                     ["s1", "2024-03-01", "2", "0.8", "0.8333333333333334", "5", "2024-03-01"],
                     ["n2", "2024-03-01", "2", "1.0", "1.0", "6", None]]
    assert refused("SELECT nth_value(amount, 0) OVER (ORDER BY day) FROM sales") == \
        "INVALID_FUNCTION_ARGUMENT: Offset must be at least 1"


def test_region_and_store_subtotals(sales):
    rows, refused = sales
    columns, found = rows("""
        SELECT region, store, sum(amount) AS total, grouping(region, store) AS level
        FROM sales GROUP BY ROLLUP (region, store) ORDER BY level, region, store""")
    assert columns == [("region", "varchar"), ("store", "varchar"), ("total", "bigint"), ("level", "bigint")]
    assert found == [["north", "n1", "70", "0"], ["north", "n2", "5", "0"], ["south", "s1", "16", "0"],
                     ["north", None, "75", "1"], ["south", None, "16", "1"], [None, None, "91", "3"]]
    _, found = rows("""
        SELECT region, day, count(amount) AS reported, grouping(region) AS by_day
        FROM sales GROUP BY GROUPING SETS ((region), (day)) ORDER BY by_day, region, day""")
    assert found == [["north", None, "4", "0"], ["south", None, "2", "0"],
                     [None, "2024-03-01", "3", "1"], [None, "2024-03-02", "1", "1"],
                     [None, "2024-03-03", "1", "1"], [None, "2024-03-05", "1", "1"]]
    assert refused("SELECT region, grouping(store) FROM sales GROUP BY region") == (
        "INVALID_ARGUMENTS: line 1:16: The arguments to GROUPING() must be expressions referenced by the GROUP BY at "
        "the associated query level. Mismatch due to store.")
    assert refused("SELECT grouping(region), sum(amount) FROM sales") == (
        "MISSING_GROUP_BY: line 1:1: A GROUPING() operation can only be used with a corresponding GROUPING "
        "SET/CUBE/ROLLUP/GROUP BY clause")


def test_window_slips_refused(sales):
    rows, refused = sales
    assert refused("SELECT region, count(DISTINCT store) OVER (PARTITION BY region) FROM sales") == (
        "NOT_SUPPORTED: line 1:1: DISTINCT in window function parameters not yet supported: "
        "count(DISTINCT store) OVER (PARTITION BY region)")
    # the distinct stores of each region, counted without DISTINCT in the window
    _, found = rows("""SELECT DISTINCT region, cardinality(array_distinct(array_agg(store) OVER (PARTITION BY region)))
                       FROM sales ORDER BY region""")
    assert found == [["north", "2"], ["south", "1"]]
    assert refused("SELECT lag(amount) OVER (PARTITION BY store) FROM sales") == \
        "MISSING_ORDER_BY: line 1:26: lag function requires an ORDER BY window clause"
    assert refused("SELECT lead(amount) OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM sales") == \
        "INVALID_WINDOW_FRAME: line 1:40: Cannot specify window frame for lead function"
    assert refused("SELECT sum(amount) IGNORE NULLS OVER (ORDER BY day) FROM sales") == \
        "NULL_TREATMENT_NOT_ALLOWED: line 1:8: Cannot specify null treatment clause for sum function"


def test_look_back_driven_by_the_data(sales):
    rows, refused = sales
    # each day looks back a row per full 10 sold
    _, found = rows("""SELECT day, sum(amount) OVER (ORDER BY day ROWS BETWEEN coalesce(amount, 0) / 10 PRECEDING
                                                                    AND CURRENT ROW)
                       FROM sales WHERE store = 'n1' ORDER BY day""")
    assert found == [["2024-03-01", "10"], ["2024-03-02", None], ["2024-03-03", "40"], ["2024-03-05", "70"]]
    look_back = "SELECT sum(amount) OVER (ORDER BY day ROWS BETWEEN amount / 10 - 1 PRECEDING AND CURRENT ROW) FROM sales"
    assert refused(look_back + " WHERE store = 'n1'") == \
        "INVALID_WINDOW_FRAME: Window frame starting offset must not be null"
    assert refused(look_back + " WHERE store = 'n2'") == \
        "INVALID_WINDOW_FRAME: Window frame -1 offset must not be negative"
    assert refused("SELECT sum(amount) OVER (ORDER BY amount RANGE BETWEEN amount - 20 PRECEDING AND CURRENT ROW) "
                   "FROM sales WHERE store = 'n2'") == \
        "INVALID_WINDOW_FRAME: Window frame offset value must not be negative or null"
