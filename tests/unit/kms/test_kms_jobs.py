"""KMS jobs against an in-memory server state: automatic rotation catches up period by
period, deletion removes keys in bounded slices and says when to come back."""
import asyncio

import pytest

from lakebox.config import Config
from lakebox.kit.calls import system_context
from lakebox.services.kms import actions, jobs, store
from lakebox.state import AppState

DAY = 86_400


@pytest.fixture
def state():
    return AppState(Config(data_dir=None, limits="off"))


def _ctx(state, operation="CreateKey"):
    return system_context(state, "kms", operation, "000000000000", "us-east-1")


def _new_key(state) -> str:
    return asyncio.run(actions.create_key(_ctx(state), {}))["KeyMetadata"]["KeyId"]


def test_rotation_catches_up_every_missed_period(state):
    key_id = _new_key(state)
    actions.enable_key_rotation(_ctx(state), {"KeyId": key_id, "RotationPeriodInDays": 90})
    created = state.clock.now()
    next_deadline = jobs.rotate_due_keys(state, created + 200 * DAY)
    rotations = actions.list_key_rotations(_ctx(state), {"KeyId": key_id})["Rotations"]
    assert [round((r["RotationDate"] - created) / DAY) for r in rotations] == [90, 180]
    assert round((next_deadline - created) / DAY) == 270


def test_disabled_keys_wait_to_rotate(state):
    key_id = _new_key(state)
    actions.enable_key_rotation(_ctx(state), {"KeyId": key_id, "RotationPeriodInDays": 90})
    actions.disable_key(_ctx(state), {"KeyId": key_id})
    assert jobs.rotate_due_keys(state, state.clock.now() + 100 * DAY) is None
    assert actions.list_key_rotations(_ctx(state), {"KeyId": key_id})["Rotations"] == []


def test_deletion_runs_in_slices(state, monkeypatch):
    monkeypatch.setattr(jobs, "SLICE", 2)
    ids = [_new_key(state) for _ in range(3)]
    for key_id in ids:
        actions.schedule_key_deletion(_ctx(state), {"KeyId": key_id, "PendingWindowInDays": 7})
    later = state.clock.now() + 8 * DAY
    assert jobs.delete_due_keys(state, later) == later          # a full slice: come back at once
    assert jobs.delete_due_keys(state, later) is None
    assert all(store.key_by_id(state.db, "000000000000", "us-east-1", key_id) is None for key_id in ids)


def test_usage_is_written_down_by_its_job(state):
    key_id = _new_key(state)
    actions.encrypt(_ctx(state, "Encrypt"), {"KeyId": key_id, "Plaintext": b"x"})
    uid = store.key_by_id(state.db, "000000000000", "us-east-1", key_id)["uid"]
    assert store.usage(state.db, uid) is None
    jobs.JOBS["usage"](state, state.clock.now())
    assert store.usage(state.db, uid)["operation"] == "Encrypt"
    assert actions.get_key_last_usage(_ctx(state), {"KeyId": key_id})["KeyLastUsage"]["Operation"] == "Encrypt"
