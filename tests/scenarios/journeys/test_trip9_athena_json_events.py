"""A product analyst's app-event table: each event's payload is a JSON document kept as a
string in a Parquet dataset written with awswrangler. Through pyathena's DictCursor the
analyst reads nested fields with json_extract_scalar (array steps, quoted keys),
normalises payloads with json_parse (Trino writes them with their keys in order), turns
a payload's `counters` object into a MAP with CAST and unnests it, in a CTE, into one row
per counter, totals them per event type with map_agg, guards a dirty value with try(),
and asks for one user's events with a server-side qmark parameter (ExecutionParameters)."""
import json

import pandas as pd
from pyathena.cursor import DictCursor

from trip_helpers import pyathena_connect

EVENTS = pd.DataFrame({
    "event_id": [1, 2, 3, 4],
    "user_id": ["u1", "u2", "u1", "u3"],
    "kind": ["click", "view", "click", "view"],
    "payload": [
        json.dumps({"page": "/home", "counters": {"scroll": 3, "hover": 1},
                    "items": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}], "meta.version": "2"}),
        json.dumps({"page": "/cart", "counters": {"scroll": 5}, "items": [], "meta.version": "2"}),
        json.dumps({"page": "/home", "counters": {"scroll": 1, "hover": 4}, "items": [{"sku": "C-3", "qty": 5}],
                    "meta.version": "3"}),
        json.dumps({"page": "/help", "counters": {}, "items": [{"sku": "A-1", "qty": "two"}], "meta.version": "3"}),
    ],
})


def test_json_payloads_read_and_unnested(lakebox_server, wr, session, bucket, database):
    wr.s3.to_parquet(EVENTS, f"s3://{bucket}/events/", dataset=True, database=database, table="app_events",
                     boto3_session=session)
    cursor = pyathena_connect(lakebox_server, bucket, database, cursor_class=DictCursor).cursor()

    cursor.execute("""SELECT event_id, json_extract_scalar(payload, '$.page') AS page,
                             json_extract_scalar(payload, '$.items[0].sku') AS first_sku,
                             json_extract_scalar(payload, '$["meta.version"]') AS version,
                             json_array_length(json_extract(payload, '$.items')) AS items
                      FROM app_events ORDER BY event_id""")
    assert cursor.fetchall() == [
        {"event_id": 1, "page": "/home", "first_sku": "A-1", "version": "2", "items": 2},
        {"event_id": 2, "page": "/cart", "first_sku": None, "version": "2", "items": 0},
        {"event_id": 3, "page": "/home", "first_sku": "C-3", "version": "3", "items": 1},
        {"event_id": 4, "page": "/help", "first_sku": "A-1", "version": "3", "items": 1}]

    # json_parse writes the document with the keys of each object in order
    cursor.execute("SELECT json_format(json_parse(payload)) AS doc FROM app_events WHERE event_id = 3")
    assert cursor.fetchall() == [{"doc": '{"counters":{"hover":4,"scroll":1},"items":[{"qty":5,"sku":"C-3"}],'
                                         '"meta.version":"3","page":"/home"}'}]
    cursor.execute("SELECT json_format(json_extract(payload, '$.counters')) AS counters FROM app_events "
                   "WHERE event_id = 3")
    assert cursor.fetchall() == [{"counters": '{"scroll":1,"hover":4}'}]      # json_extract keeps the order

    # one row per counter: the object cast to a MAP in a CTE, then unnested
    cursor.execute("""WITH counted AS (
                          SELECT event_id, kind,
                                 CAST(json_extract(payload, '$.counters') AS MAP(VARCHAR, INTEGER)) AS counters
                          FROM app_events)
                      SELECT event_id, name, n FROM counted CROSS JOIN UNNEST(counters) AS c(name, n)
                      ORDER BY event_id, name""")
    assert cursor.fetchall() == [
        {"event_id": 1, "name": "hover", "n": 1}, {"event_id": 1, "name": "scroll", "n": 3},
        {"event_id": 2, "name": "scroll", "n": 5},
        {"event_id": 3, "name": "hover", "n": 4}, {"event_id": 3, "name": "scroll", "n": 1}]

    cursor.execute("""WITH counted AS (
                          SELECT kind, CAST(json_extract(payload, '$.counters') AS MAP(VARCHAR, INTEGER)) AS counters
                          FROM app_events),
                      per_name AS (
                          SELECT kind, name, sum(n) AS total FROM counted CROSS JOIN UNNEST(counters) AS c(name, n)
                          GROUP BY kind, name)
                      SELECT kind, map_agg(name, total) AS totals FROM per_name GROUP BY kind ORDER BY kind""")
    # pyathena reads Athena's `{hover=5, scroll=4}` into a dict of texts
    assert cursor.fetchall() == [{"kind": "click", "totals": {"hover": "5", "scroll": "4"}},
                                 {"kind": "view", "totals": {"scroll": "5"}}]

    # a quantity that is no number: try() gives NULL where the cast would fail the query
    cursor.execute("""SELECT event_id, sum(try(CAST(json_extract_scalar(item, '$.qty') AS INTEGER))) AS units,
                             count(*) AS lines
                      FROM app_events CROSS JOIN UNNEST(CAST(json_extract(payload, '$.items') AS ARRAY(JSON))) AS i(item)
                      GROUP BY event_id ORDER BY event_id""")
    assert cursor.fetchall() == [{"event_id": 1, "units": 3, "lines": 2}, {"event_id": 3, "units": 5, "lines": 1},
                                 {"event_id": 4, "units": None, "lines": 1}]

    cursor.execute("SELECT event_id, kind FROM app_events WHERE user_id = ? ORDER BY event_id", ["'u1'"],
                   paramstyle="qmark")
    assert cursor.fetchall() == [{"event_id": 1, "kind": "click"}, {"event_id": 3, "kind": "click"}]
