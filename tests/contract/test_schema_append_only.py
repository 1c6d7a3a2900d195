"""SCHEMA lists are append-only: a released migration entry is never edited or removed."""
import schema_hashes

HOW = "record appended entries with: python tests/contract/schema_hashes.py"


def test_no_released_schema_entry_was_edited_or_removed():
    assert schema_hashes.edits(schema_hashes.released(), schema_hashes.current()) == []


def test_every_schema_entry_is_recorded():
    released, current = schema_hashes.released(), schema_hashes.current()
    unrecorded = {service: len(hashes) - len(released.get(service, []))
                  for service, hashes in current.items() if len(hashes) > len(released.get(service, []))}
    assert unrecorded == {}, HOW


def test_an_edited_entry_is_caught():
    released = {"demo": [schema_hashes.entry_hash("CREATE TABLE t (a)")]}
    assert schema_hashes.edits(released, {"demo": [schema_hashes.entry_hash("CREATE TABLE t (a, b)")]}) == \
        ["demo: released SCHEMA entry 0 was edited"]
    assert schema_hashes.edits(released, {}) == ["demo: released SCHEMA entry 0 was removed"]


def test_appending_and_reindenting_are_not_edits():
    released = {"demo": [schema_hashes.entry_hash("CREATE TABLE t (a)")]}
    appended = {"demo": [schema_hashes.entry_hash("CREATE TABLE t\n    (a)"), schema_hashes.entry_hash("CREATE INDEX i ON t(a)")]}
    assert schema_hashes.edits(released, appended) == []
