"""Where a Python shell job's script runs: a subprocess of the server's own Python.

The event loop never waits on it: the subprocess is an asyncio one, watched by a task
that records the run's end when it exits. The script is read from its ScriptLocation
through S3's `public.py` and written, with the run's stdout and stderr, into a directory
of the run (`<service dir>/job-runs/<run id>/`). Its argv is Glue's: `--JOB_NAME`,
`--JOB_ID`, `--JOB_RUN_ID`, then every argument of the run as `--key value`. Its
environment points boto3 at this server (AWS_ENDPOINT_URL), in the job's region, with the
credentials of an STS session of the job's Role, so the script acts as the role; its
PYTHONPATH is the run's `--extra-py-files` and lakebox's small `awsglue` package
(`pyshell/`), nothing else. Which runs have a process is kept in `state.cache("glue")`:
after a restart none do, and the scheduler job (`job_runs.job_run_deadlines`) ends the
runs left behind.
"""
import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys

from lakebox.services.s3 import public as s3
from lakebox.services.sts import public as sts

log = logging.getLogger("lakebox.glue")

PYSHELL_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyshell")
SESSION_NAME = "GlueJobRunnerSession"
SESSION_SLACK = 900                  # seconds the role's credentials outlive the run's Timeout
RESET_CHECK = 2.0                    # seconds between looks for a reset that forgot a running run
TAIL_BYTES = 64 * 1024               # read from the end of stderr for the run's ErrorMessage


class _Live:
    """A run whose process is starting or running."""

    def __init__(self):
        self.process = None
        self.stopping = False


def _live(state) -> dict:
    return state.cache("glue").setdefault("job_processes", {})


def is_live(state, account: str, region: str, run_id: str) -> bool:
    return (account, region, run_id) in _live(state)


def run_dir(state, run_id: str) -> str:
    path = os.path.join(state.service_dir("glue"), "job-runs", run_id)
    os.makedirs(path, exist_ok=True)
    return path


def launch(state, account: str, region: str, job: dict, run: dict):
    """Start the run's process (call on the event loop); its end is recorded when it exits."""
    live = _live(state)[(account, region, run["Id"])] = _Live()
    asyncio.get_running_loop().create_task(_run(state, account, region, job, run, live))


def stop(state, account: str, region: str, run_id: str):
    """Kill the run's process (and whatever it started); its watcher records the end."""
    live = _live(state).get((account, region, run_id))
    if live is None:
        return
    live.stopping = True
    if live.process is not None:
        _kill(live.process)


def end_orphan(run: dict):
    """Kill the process a run had before a restart, if it is still running: a process
    (group) whose command line names the run, so a pid used again by another is left alone."""
    pid = run.get("_pid")
    if not pid:
        return
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            named = run["Id"].encode() in f.read().split(b"\0")
    except OSError:                  # gone, or no /proc here
        return
    if named:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def _kill(process):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


async def _run(state, account, region, job, run, live):
    from lakebox.services.glue import job_runs

    key = (account, region, run["Id"])
    name = job["Name"]
    try:
        directory = run_dir(state, run["Id"])
        script = _fetch_script(state, job, directory)
        python_path = _fetch_extra_files(state, run, directory) + [PYSHELL_PATH]
        if live.stopping:
            return job_runs.record_end(state, account, region, name, run["Id"], "STOPPED")
        env = _environment(state, account, region, job, run, python_path)
        with open(os.path.join(directory, "stdout"), "wb") as out, open(os.path.join(directory, "stderr"), "wb") as err:
            live.process = await asyncio.create_subprocess_exec(
                sys.executable, script, *_argv(job, run), cwd=directory, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        if live.stopping:
            _kill(live.process)
        job_runs.record_running(state, account, region, name, run["Id"], live.process.pid)
        code = await _wait(state, key, live)
        if code == 0:
            job_runs.record_end(state, account, region, name, run["Id"], "SUCCEEDED")
        else:
            job_runs.record_end(state, account, region, name, run["Id"], "FAILED",
                                _error_message(os.path.join(directory, "stderr"), code))
    except _ScriptMissing as missing:
        job_runs.record_end(state, account, region, name, run["Id"], "FAILED", str(missing))
    except Exception as failed:          # a reset wiped the run, or the process could not start
        log.exception("job run %s of %s failed to run", run["Id"], name)
        with contextlib.suppress(Exception):
            job_runs.record_end(state, account, region, name, run["Id"], "FAILED",
                                f"Internal Service Exception: {type(failed).__name__}: {failed}")
    finally:
        if _live(state).get(key) is live:
            del _live(state)[key]


async def _wait(state, key, live) -> int:
    """The process's exit code. A reset forgets every run: a process whose run it forgot
    (it is no longer in the cache) is killed, looked at every RESET_CHECK seconds. A
    server that stops kills its runs' processes (a restart then fails those runs)."""
    exited = asyncio.ensure_future(live.process.wait())
    try:
        while not (await asyncio.wait({exited}, timeout=RESET_CHECK))[0]:
            if _live(state).get(key) is not live:
                _kill(live.process)
    except asyncio.CancelledError:      # the server is stopping: its runs end with it
        _kill(live.process)
        raise
    return exited.result()


class _ScriptMissing(Exception):
    pass


def _fetch_script(state, job, directory) -> str:
    location = (job.get("Command") or {}).get("ScriptLocation") or ""
    return _fetch(state, location, directory, "script")


def _fetch_extra_files(state, run, directory) -> list:
    """The `--extra-py-files` of the run (S3 paths, comma-separated), fetched: the
    directory of its `.py` files and each `.zip`/`.egg`/`.whl` go on the script's path."""
    listed = [uri.strip() for uri in run["_arguments"].get("--extra-py-files", "").split(",") if uri.strip()]
    if not listed:
        return []
    modules = os.path.join(directory, "extra-py-files")
    os.makedirs(modules, exist_ok=True)
    paths = [modules]
    for uri in listed:
        path = _fetch(state, uri, modules, "extra Python file")
        if not path.endswith(".py"):
            paths.append(path)
    return paths


def _fetch(state, location: str, directory: str, what: str) -> str:
    if not location.startswith("s3://"):
        raise _ScriptMissing(f"The {what} location {location!r} is not an S3 location (s3://bucket/key)")
    bucket, key = s3.parse_s3_uri(location)
    try:
        body = s3.get_object(state, bucket, key)
    except Exception as missing:
        code = getattr(missing, "code", type(missing).__name__)
        raise _ScriptMissing(f"Failed to read the {what} {location} from S3: {code}") from None
    path = os.path.join(directory, os.path.basename(key) or "script.py")
    with open(path, "wb") as f:
        f.write(body)
    return path


def _argv(job, run) -> list:
    argv = ["--JOB_NAME", job["Name"], "--JOB_ID", "j_" + secrets.token_hex(32), "--JOB_RUN_ID", run["Id"]]
    for key, value in run["_arguments"].items():
        argv += [key if key.startswith("--") else f"--{key}", value]
    return argv


def _environment(state, account, region, job, run, python_path) -> dict:
    """The server's environment without its AWS settings, then this server's endpoint and
    the job's region and role."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AWS_") and key not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    credentials = sts.role_session(state, _role_arn(job, account), SESSION_NAME, state.clock.now(),
                                   run["Timeout"] * 60 + SESSION_SLACK)
    host = state.config.host if state.config.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    host = f"[{host}]" if ":" in host else host           # an IPv6 address, as a URL writes it
    env.update({
        "AWS_ENDPOINT_URL": f"http://{host}:{state.config.port}",
        "AWS_REGION": region, "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": os.pathsep.join(python_path), "PYTHONUNBUFFERED": "1",
    })
    return env


def _role_arn(job, account) -> str:
    """Glue takes the Role as a name or an ARN. A name is a role of the job's account; so
    is an ARN naming another account (Glue can pass only its own account's roles: a
    placeholder account in an ARN would otherwise make the script act in a stranger's)."""
    role = job.get("Role") or ""
    if not role.startswith("arn:"):
        return f"arn:aws:iam::{account}:role/{role}"
    parts = role.split(":", 5)
    if len(parts) == 6 and parts[4] != account:
        parts[4] = account
    return ":".join(parts)


def _error_message(stderr_path: str, code: int) -> str:
    """The last line the script wrote to stderr (a traceback's exception, as Glue shows it)."""
    with open(stderr_path, "rb") as f:
        f.seek(max(os.path.getsize(stderr_path) - TAIL_BYTES, 0))
        lines = [line.strip() for line in f.read().decode("utf-8", "replace").splitlines() if line.strip()]
    if lines:
        return lines[-1][:2048]
    return f"Command failed with exit code {code}"
