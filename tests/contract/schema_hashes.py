"""Hashes of the services' SCHEMA migration entries, and the record of released ones.

A data directory remembers how many of a service's SCHEMA entries it has applied, so an
entry edited after release is never applied to the databases that already ran it: the
change must be a new entry appended at the end. `released_schema.json` holds a sha256
per entry (whitespace runs folded, so re-indenting is not an edit).

After appending entries, record them (released entries are never rewritten):

    python tests/contract/schema_hashes.py
"""
import hashlib
import json
import os
import re
import sys

RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "released_schema.json")


def entry_hash(statement: str) -> str:
    return hashlib.sha256(re.sub(r"\s+", " ", statement).strip().encode()).hexdigest()


def current() -> dict:
    """service -> the hashes of its SCHEMA entries, in order."""
    from lakebox.services import SERVICE_NAMES, optional_module

    found = {}
    for name in SERVICE_NAMES:
        store = optional_module(name, "store")
        if store is not None and getattr(store, "SCHEMA", None):
            found[name] = [entry_hash(statement) for statement in store.SCHEMA]
    return found


def released() -> dict:
    with open(RECORD) as record:
        return json.load(record)


def edits(released_hashes: dict, current_hashes: dict) -> list[str]:
    """What breaks append-only: a released entry changed, removed or reordered."""
    problems = []
    for service, hashes in released_hashes.items():
        now = current_hashes.get(service, [])
        for index, digest in enumerate(hashes):
            if index >= len(now):
                problems.append(f"{service}: released SCHEMA entry {index} was removed")
            elif now[index] != digest:
                problems.append(f"{service}: released SCHEMA entry {index} was edited")
    return problems


def record():
    released_hashes, current_hashes = released(), current()
    problems = edits(released_hashes, current_hashes)
    if problems:
        sys.exit("not recorded: " + "; ".join(problems) + " (append a new entry instead)")
    with open(RECORD, "w") as out:
        json.dump(current_hashes, out, indent=2, sort_keys=True)
        out.write("\n")
    added = sum(len(h) for h in current_hashes.values()) - sum(len(h) for h in released_hashes.values())
    print(f"recorded {added} new SCHEMA entries in {RECORD}")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    record()
