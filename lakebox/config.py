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


def from_env(**overrides) -> Config:
    """Build a Config from LAKEBOX_* variables; explicit (non-None) overrides win."""
    values = {
        "port": int(os.environ.get("LAKEBOX_PORT", DEFAULT_PORT)),
        "data_dir": os.environ.get("LAKEBOX_DATA_DIR", DEFAULT_DATA_DIR),
        "limits": os.environ.get("LAKEBOX_LIMITS", "aws"),
        "transition_delay": float(os.environ.get("LAKEBOX_TRANSITION_DELAY", 0)),
        "fsync": os.environ.get("LAKEBOX_FSYNC", "background"),
        "sync_interval": float(os.environ.get("LAKEBOX_SYNC_INTERVAL", 1.0)),
        "credentials": os.environ.get("LAKEBOX_CREDENTIALS") or None,
        "functions_dir": os.environ.get("LAKEBOX_FUNCTIONS"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if values["limits"] not in ("aws", "off"):
        raise ValueError(f"--limits must be 'aws' or 'off', not {values['limits']!r}")
    if values["fsync"] not in ("background", "always"):
        raise ValueError(f"--fsync must be 'background' or 'always', not {values['fsync']!r}")
    return Config(**values)
