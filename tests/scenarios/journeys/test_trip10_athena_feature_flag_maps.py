"""A product engineer audits feature-flag exposures logged as JSON lines, each event a
map of the flags a user saw, through pyathena. Per user, map_union merges the events'
maps into one (each flag once, NULL maps skipped) and multimap_agg gathers every variant
a flag showed; map_filter keeps the flags switched on (leaving out a flag two maps
disagree on: which value map_union keeps is arbitrary), transform_values upper-cases the
variants, element_at answers NULL for a flag never seen where the subscript fails with
Trino's `Key not present in map`; arrays_overlap says whether two users saw a flag in
common, NULL when that cannot be known because a list holds a NULL; repeat() fills a
list of default variants and refuses a negative count."""
import json

import pytest

from trip_helpers import athena_failure, pyathena_connect

EVENTS = [
    {"user_id": "u1", "flag": "dark_mode", "variant": "on", "flags": {"dark_mode": "on", "beta": "off"}},
    {"user_id": "u1", "flag": "beta", "variant": "on", "flags": {"beta": "on", "search_v2": "on"}},
    {"user_id": "u1", "flag": "dark_mode", "variant": "off", "flags": None},
    {"user_id": "u2", "flag": "search_v2", "variant": "off", "flags": {"search_v2": "off"}},
]


@pytest.fixture
def exposures(lakebox_server, client, bucket, database):
    body = "".join(json.dumps(event) + "\n" for event in EVENTS)
    client("s3").put_object(Bucket=bucket, Key="exposures/day=1.json", Body=body.encode())
    cursor = pyathena_connect(lakebox_server, bucket, database).cursor()
    cursor.execute(f"""CREATE EXTERNAL TABLE exposures (user_id string, flag string, variant string,
                                                        flags map<string,string>)
                       ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
                       LOCATION 's3://{bucket}/exposures/'""")
    return cursor


def test_flags_merged_per_user(exposures):
    exposures.execute("""
        SELECT user_id, array_sort(map_keys(map_union(flags))) AS seen, cardinality(map_union(flags)) AS n,
               element_at(map_union(flags), 'search_v2') AS search_v2, element_at(map_union(flags), 'nope') AS nope,
               typeof(map_union(flags)) AS kind
        FROM exposures GROUP BY user_id ORDER BY user_id""")
    assert exposures.fetchall() == [
        ("u1", ["beta", "dark_mode", "search_v2"], 3, "on", None, "map(varchar, varchar)"),
        ("u2", ["search_v2"], 1, "off", None, "map(varchar, varchar)")]


def test_variants_gathered_and_filtered(exposures):
    exposures.execute("""
        SELECT user_id, array_sort(multimap_agg(flag, variant)['dark_mode']) AS dark_mode_variants,
               array_sort(map_keys(map_filter(map_union(flags), (k, v) -> v = 'on' AND k <> 'beta'))) AS on_flags,
               transform_values(map_union(flags), (k, v) -> upper(v))['search_v2'] AS shouted
        FROM exposures WHERE user_id = 'u1' GROUP BY user_id""")
    assert exposures.fetchall() == [("u1", ["off", "on"], ["dark_mode", "search_v2"], "ON")]


def test_missing_key_by_subscript_fails(client, bucket, database, exposures):
    assert athena_failure(client("athena"), "SELECT flags['nope'] FROM exposures WHERE flags IS NOT NULL",
                          database, f"s3://{bucket}/results/") == \
        "INVALID_FUNCTION_ARGUMENT: Key not present in map: nope"


def test_flags_in_common(exposures):
    exposures.execute("""
        SELECT arrays_overlap(ARRAY['beta', 'search_v2'], ARRAY['search_v2']),
               arrays_overlap(ARRAY['beta', NULL], ARRAY['search_v2']),
               arrays_overlap(ARRAY['beta', NULL], ARRAY['beta']),
               arrays_overlap(ARRAY['beta'], ARRAY['search_v2'])""")
    assert exposures.fetchall() == [(True, None, True, False)]


def test_default_variants_repeated(client, bucket, database, exposures):
    exposures.execute("""SELECT user_id, repeat('off', CAST(cardinality(map_union(flags)) AS integer))
                         FROM exposures GROUP BY user_id ORDER BY user_id""")
    assert exposures.fetchall() == [("u1", ["off", "off", "off"]), ("u2", ["off"])]
    assert athena_failure(client("athena"), "SELECT repeat(flag, -1) FROM exposures", database,
                          f"s3://{bucket}/results/") == \
        "INVALID_FUNCTION_ARGUMENT: count argument of repeat function must be greater than or equal to 0"
