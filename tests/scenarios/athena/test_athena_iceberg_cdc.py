"""A CDC pipeline on an Iceberg table: a day of inserts, updates and deletes MERGEd in
batches, then time travel to each batch's snapshot with every row asserted."""
import random

from athena_helpers import all_rows, wait


def _run(athena, bucket, database, sql):
    started = athena.start_query_execution(QueryString=sql, QueryExecutionContext={"Database": database},
                                           ResultConfiguration={"OutputLocation": f"s3://{bucket}/results/"})
    execution = wait(athena, started["QueryExecutionId"])
    assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
    return all_rows(athena, started["QueryExecutionId"])[0][1:]


def _batch(rng, state, next_id, size):
    """CDC events (op, id, name, amount), at most one per id, applied to `state`."""
    events, touched = [], set()
    for _ in range(size):
        if state and rng.random() < 0.6:
            key = rng.choice(sorted(state))
            if key in touched:
                continue
            touched.add(key)
            if rng.random() < 0.5:
                events.append(("U", key, f"name{key}v{rng.randint(1, 99)}", rng.randint(0, 1000)))
                state[key] = events[-1][2:]
            else:
                events.append(("D", key, None, None))
                del state[key]
        else:
            events.append(("I", next_id, f"name{next_id}", rng.randint(0, 1000)))
            state[next_id] = events[-1][2:]
            touched.add(next_id)
            next_id += 1
    return events, next_id


def _values(events) -> str:
    def literal(value):
        return "NULL" if value is None else (f"'{value}'" if isinstance(value, str) else str(value))
    return ", ".join(f"('{op}', {key}, CAST({literal(name)} AS varchar), CAST({literal(amount)} AS bigint))"
                     for op, key, name, amount in events)


def test_cdc_batches_merged_then_each_snapshot_travelled_to(athena, bucket, database):
    _run(athena, bucket, database, f"CREATE TABLE accounts (id bigint, name string, amount bigint) "
                                   f"LOCATION 's3://{bucket}/iceberg/accounts/' TBLPROPERTIES ('table_type'='ICEBERG')")
    rng, state, next_id, expected = random.Random(14), {}, 1, []
    for _ in range(6):
        events, next_id = _batch(rng, state, next_id, 25)
        _run(athena, bucket, database, f"""
            MERGE INTO accounts t
            USING (SELECT * FROM (VALUES {_values(events)}) AS c(op, id, name, amount)) s
            ON t.id = s.id
            WHEN MATCHED AND s.op = 'D' THEN DELETE
            WHEN MATCHED THEN UPDATE SET name = s.name, amount = s.amount
            WHEN NOT MATCHED AND s.op = 'I' THEN INSERT (id, name, amount) VALUES (s.id, s.name, s.amount)""")
        expected.append({key: value for key, value in state.items()})
    snapshots = [row[0] for row in _run(athena, bucket, database,
                                        'SELECT snapshot_id FROM "accounts$history" ORDER BY made_current_at')]
    assert len(snapshots) == len(expected)
    for snapshot, rows in zip(snapshots, expected):
        found = _run(athena, bucket, database,
                     f"SELECT id, name, amount FROM accounts FOR VERSION AS OF {snapshot} ORDER BY id")
        assert found == [[str(key), name, str(amount)] for key, (name, amount) in sorted(rows.items())]
