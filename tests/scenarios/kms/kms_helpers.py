"""Helpers for KMS scenarios."""
import pytest


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    """(code, message) of the error a call raises."""
    with pytest.raises(Exception) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    return error["Code"], error.get("Message", "")
