"""The server's settings: flags, then environment variables, then defaults."""
import os
from dataclasses import dataclass

DEFAULT_PORT = 4566
DEFAULT_DATA_DIR = ".lakebox"


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    data_dir: str | None = DEFAULT_DATA_DIR   # None: in memory, nothing survives a stop
    limits: str = "aws"                       # "aws" enforces AWS's rate limits, "off" drops them
    transition_delay: float = 0.0             # seconds a resource stays CREATING/UPDATING
    log_level: str = "info"
    fsync: str = "background"                 # "always": on stable storage before answering
    sync_interval: float = 1.0                # seconds between background syncs
    credentials: str | None = None            # a file of declared access keys (lakebox/credentials.py)
    functions_dir: str | None = None          # Lambda handlers by function name (Firehose processors)

    @property
    def limits_on(self) -> bool:
        return self.limits == "aws"

    @property
    def in_memory(self) -> bool:
        return self.data_dir is None


class BadSetting(ValueError):
    """A flag or LAKEBOX_* variable that cannot be used; its message names which."""


def from_env(**overrides) -> Config:
    """Build a Config from LAKEBOX_* variables; explicit (non-None) overrides win."""
    values = {
        "port": _env_number("LAKEBOX_PORT", int, DEFAULT_PORT),
        "data_dir": os.environ.get("LAKEBOX_DATA_DIR", DEFAULT_DATA_DIR),
        "limits": os.environ.get("LAKEBOX_LIMITS", "aws"),
        "transition_delay": _env_number("LAKEBOX_TRANSITION_DELAY", float, 0.0),
        "fsync": os.environ.get("LAKEBOX_FSYNC", "background"),
        "sync_interval": _env_number("LAKEBOX_SYNC_INTERVAL", float, 1.0),
        "credentials": os.environ.get("LAKEBOX_CREDENTIALS") or None,
        "functions_dir": os.environ.get("LAKEBOX_FUNCTIONS"),
    }
    given = {k: v for k, v in overrides.items() if v is not None}
    values.update(given)
    for name, allowed in (("limits", ("aws", "off")), ("fsync", ("background", "always"))):
        if values[name] not in allowed:
            source = f"--{name}" if name in given else f"LAKEBOX_{name.upper()}"
            raise BadSetting(f"{source} must be {allowed[0]!r} or {allowed[1]!r}, not {values[name]!r}")
    return Config(**values)


def _env_number(name: str, kind: type, default):
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        return kind(text)
    except ValueError:
        raise BadSetting(f"{name} must be {'an integer' if kind is int else 'a number'}, not {text!r}") from None
