"""One server per data directory: an exclusive `flock` on `<data-dir>/lakebox.lock`.

The kernel drops a flock when the process that took it exits, however it exits
(`kill -9` included), so the lock is never stale the way a PID file would be. The file
holds the holder's pid only so that the refusal can name it.
"""
import fcntl
import os

LOCK_FILE = "lakebox.lock"


class DataDirInUse(RuntimeError):
    def __init__(self, data_dir: str, pid: str):
        self.data_dir = data_dir
        self.pid = pid
        super().__init__(f"the data directory {data_dir} is in use by a running lakebox server (pid {pid or '?'})")


class DataDirUnusable(RuntimeError):
    """The data directory cannot be made or written (a file in its place, no permission)."""

    def __init__(self, data_dir: str, reason: str):
        super().__init__(f"cannot use {data_dir} as the data directory: {reason}")


def hold(data_dir: str):
    """Take the data directory's lock (creating the directory) or raise DataDirInUse, or
    DataDirUnusable when it cannot be made or written.

    Returns the open lock file: the lock lasts until it is closed or the process ends.
    """
    if os.path.exists(data_dir) and not os.path.isdir(data_dir):
        raise DataDirUnusable(data_dir, "it is a file, not a directory")
    try:
        os.makedirs(data_dir, exist_ok=True)
        handle = open(os.path.join(data_dir, LOCK_FILE), "a+")
    except OSError as error:
        raise DataDirUnusable(data_dir, error.strerror or str(error)) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        raise DataDirInUse(data_dir, holder) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
