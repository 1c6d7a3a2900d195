"""Waiting for KMS's background work, for scenarios of any folder."""
import time


def wait_rotated(kms, key_id, nudge=None, timeout=600):
    """Waits until the on-demand rotation of `key_id` is done: KMS rotates in the
    background and GetKeyRotationStatus shows OnDemandRotationStartDate until it is (API
    reference). `nudge()` (the lakebox clock moved on) stands in for the pause."""
    deadline = time.monotonic() + timeout
    while "OnDemandRotationStartDate" in kms.get_key_rotation_status(KeyId=key_id):
        assert time.monotonic() < deadline, "rotation still in progress"
        nudge() if nudge else time.sleep(0.5)
