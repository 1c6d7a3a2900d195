"""Helpers shared by S3's unit tests."""
import contextlib

import pytest

from lakebox.aws.errors import ServiceError


@contextlib.contextmanager
def raises_s3(code: str, **match):
    """Like pytest.raises, for the S3 error coded `code` (S3's errors are data, not classes)."""
    with pytest.raises(ServiceError, **match) as caught:
        yield caught
    assert caught.value.code == code, caught.value.code
