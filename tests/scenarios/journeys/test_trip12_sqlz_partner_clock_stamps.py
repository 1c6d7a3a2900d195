"""A marketplace team reads orders that partners stamp in their own clocks (a CSV in S3,
through boto3's Athena client): parse_datetime with ZZZ keeps the zone the text names
(`2024-03-01 10:00:00.000 Asia/Tokyo`), with Z or ZZ its offset (`+05:30`; UTC for a
zero one); the parsed value orders by its instant, gives its own wall-clock hour,
to_unixtime and to_iso8601 of its zone, and format_datetime prints its zone letters; the
result's column is a `timestamp with time zone`. Facts: Trino's TestDateTimeFunctions
testParseDatetime (`'1960/01/22 03:04 Asia/Oral'` with ZZZZZ is `1960-01-22 03:04:00.000
Asia/Oral`, `+0500` with Z is `... +05:00`; code corpus), Trino's parse_datetime docs
(returns timestamp with time zone)."""
import pytest

from sqla_helpers import loaded_table

ORDERS = """o1|2024-03-01 10:00:00 Asia/Tokyo|01/Mar/2024:06:30:00 +0530
o2|2024-03-01 08:15:00 Europe/Berlin|01/Mar/2024:07:00:00 +0000
o3|2024-02-29 19:00:00 America/New_York|29/Feb/2024:19:00:00 -0500
"""

DDL = """CREATE EXTERNAL TABLE partner_orders (id string, placed string, shipped string)
         ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' LOCATION 's3://{bucket}/orders/'"""


@pytest.fixture
def orders(client, bucket, database):
    return loaded_table(client, bucket, database, "orders/partners.txt", ORDERS.encode(),
                        DDL.format(bucket=bucket))[0]


def test_parsed_stamps_keep_their_zones(orders):
    assert orders("""
        SELECT id, parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ') AS placed_at,
               parse_datetime(shipped, 'dd/MMM/yyyy:HH:mm:ss Z') AS shipped_at
        FROM partner_orders ORDER BY parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ')""") == (
        [("id", "varchar"), ("placed_at", "timestamp with time zone"), ("shipped_at", "timestamp with time zone")],
        [["o3", "2024-02-29 19:00:00.000 America/New_York", "2024-02-29 19:00:00.000 -05:00"],
         ["o1", "2024-03-01 10:00:00.000 Asia/Tokyo", "2024-03-01 06:30:00.000 +05:30"],
         ["o2", "2024-03-01 08:15:00.000 Europe/Berlin", "2024-03-01 07:00:00.000 UTC"]])


def test_wall_clock_instant_and_texts(orders):
    assert orders("""
        SELECT id, hour(parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ')),
               to_unixtime(parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ')),
               to_iso8601(parse_datetime(shipped, 'dd/MMM/yyyy:HH:mm:ss Z')),
               format_datetime(parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ'), 'HH:mm z (ZZ)')
        FROM partner_orders ORDER BY id""")[1] == [
        ["o1", "10", "1.7092548E9", "2024-03-01T06:30:00.000+05:30", "10:00 JST (+09:00)"],
        ["o2", "8", "1.7092773E9", "2024-03-01T07:00:00.000Z", "08:15 CET (+01:00)"],
        ["o3", "19", "1.7092512E9", "2024-02-29T19:00:00.000-05:00", "19:00 EST (-05:00)"]]


def test_which_orders_were_placed_before_the_cutoff(orders):
    assert orders("""
        SELECT id FROM partner_orders
        WHERE parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ') < from_iso8601_timestamp('2024-03-01T02:00:00Z')
        ORDER BY id""")[1] == [["o1"], ["o3"]]


def test_latest_placed_and_earliest_shipped_keep_their_zones(orders):
    assert orders("""
        SELECT max(parse_datetime(placed, 'yyyy-MM-dd HH:mm:ss ZZZ')) AS last_placed,
               min(parse_datetime(shipped, 'dd/MMM/yyyy:HH:mm:ss Z')) AS first_shipped
        FROM partner_orders""") == (
        [("last_placed", "timestamp with time zone"), ("first_shipped", "timestamp with time zone")],
        [["2024-03-01 08:15:00.000 Europe/Berlin", "2024-02-29 19:00:00.000 -05:00"]])


def test_a_z_stamp_is_utc(orders):
    # Joda's Z and ZZ read the text Z as a zero offset
    assert orders("""
        SELECT parse_datetime(stamp, 'yyyy-MM-dd''T''HH:mm:ssZ'), parse_datetime(stamp, 'yyyy-MM-dd''T''HH:mm:ssZZ')
        FROM (VALUES '2024-03-01T10:00:00Z') AS feed(stamp)""")[1] == [
        ["2024-03-01 10:00:00.000 UTC", "2024-03-01 10:00:00.000 UTC"]]
