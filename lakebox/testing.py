"""Run lakebox inside your own tests.

    from lakebox.testing import LakeboxServer
    with LakeboxServer() as server:            # a subprocess on a free port, in memory
        s3 = boto3.client("s3", endpoint_url=server.endpoint, ...)

Installed as a pytest plugin, it also gives two fixtures:
- `lakebox_server`: one server for the test session; state accumulates across tests.
- `lakebox`: a clean lakebox for each test, as `mock_aws` users expect. One more server
  for the session (started only if a test asks for it), wiped with `POST /_lakebox/reset`
  before every test that uses it: no new process per test, and no effect on the state
  that tests keep in `lakebox_server`.
With `LAKEBOX_TARGET=aws` both yield an object whose `endpoint` is None, so the same tests
run against real AWS (tests marked `local_only` are skipped; nothing is reset there).
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

try:
    import pytest
except ImportError:       # LakeboxServer works without pytest; the fixture needs it
    pytest = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LakeboxServer:
    """A lakebox server on a free port: a subprocess (default) or a thread in this process."""

    def __init__(self, data_dir=None, in_memory=None, limits="aws", mode="subprocess", port=None, env=None):
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.in_memory = data_dir is None if in_memory is None else in_memory
        self.data_dir = data_dir
        self.limits = limits
        self.mode = mode
        self.env = env or {}
        self.process = None
        self._thread_server = None
        self._lock = None

    # --- life cycle ---------------------------------------------------------------

    def start(self, timeout=30.0):
        if self.mode == "thread":
            self._start_thread()
        else:
            self._start_process()
        self._wait_healthy(timeout)
        return self

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._thread_server is not None:
            self._thread_server.should_exit = True
            self._thread.join(10)
            self._thread_server = None
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def kill(self):
        """`kill -9` the server: what survives is what was acknowledged."""
        if self.process is None:
            raise RuntimeError("kill() needs a subprocess server")
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def restart(self):
        self.stop() if self.process is not None or self._thread_server else None
        return self.start()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- control endpoints ----------------------------------------------------------

    def health(self) -> dict:
        return self._call("GET", "/_lakebox/health")

    def reset(self):
        return self._call("POST", "/_lakebox/reset", {})

    def advance_clock(self, seconds: float) -> dict:
        return self._call("POST", "/_lakebox/clock", {"advance": seconds})

    def client(self, service: str, region="us-east-1", **kwargs):
        import boto3
        kwargs.setdefault("aws_access_key_id", "test")
        kwargs.setdefault("aws_secret_access_key", "test")
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region, **kwargs)

    def _call(self, method, path, document=None):
        data = json.dumps(document).encode() if document is not None else None
        request = urllib.request.Request(self.endpoint + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    # --- starting ---------------------------------------------------------------------

    def _args(self):
        args = ["serve", "--port", str(self.port), "--limits", self.limits]
        if self.in_memory:
            args.append("--in-memory")
        else:
            self.data_dir = self.data_dir or tempfile.mkdtemp(prefix="lakebox-test-")
            args += ["--data-dir", self.data_dir]
        return args

    def _start_process(self):
        env = {**os.environ, **self.env}
        self.process = subprocess.Popen([sys.executable, "-m", "lakebox.cli", *self._args()], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _start_thread(self):
        import uvicorn

        from lakebox.config import from_env
        from lakebox.server import build, uvicorn_config
        from lakebox.storage import lock
        config = from_env(port=self.port, limits=self.limits,
                          data_dir=None if self.in_memory else (self.data_dir or tempfile.mkdtemp()))
        if self.in_memory:
            config = config.__class__(**{**config.__dict__, "data_dir": None})
        else:
            self._lock = lock.hold(config.data_dir)     # one server per data dir, as `lakebox serve`
        _, app = build(config)
        self._thread_server = uvicorn.Server(uvicorn_config(app, config))
        self._thread_server.install_signal_handlers = lambda: None
        self._thread = threading.Thread(target=self._thread_server.run, daemon=True)
        self._thread.start()

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"lakebox exited with code {self.process.returncode}")
            try:
                if self.health().get("status") == "ok":
                    return
            except OSError:
                time.sleep(0.02)
        raise TimeoutError(f"lakebox did not become healthy within {timeout} s")


class AwsTarget:
    """Stands in for a server when LAKEBOX_TARGET=aws: clients go to real AWS."""
    endpoint = None

    def client(self, service: str, region=None, **kwargs):
        import boto3
        return boto3.client(service, region_name=region or os.environ.get("AWS_REGION", "us-east-1"), **kwargs)


def target_is_aws() -> bool:
    return os.environ.get("LAKEBOX_TARGET", "local").lower() == "aws"


def _session_server():
    if target_is_aws():
        yield AwsTarget()
        return
    with LakeboxServer(limits=os.environ.get("LAKEBOX_TEST_LIMITS", "aws")) as server:
        yield server


def _clean_lakebox(_lakebox_resettable_server):
    if not target_is_aws():
        _lakebox_resettable_server.reset()
    return _lakebox_resettable_server


if pytest is not None:
    lakebox_server = pytest.fixture(scope="session", name="lakebox_server")(_session_server)
    lakebox_resettable_server = pytest.fixture(scope="session", name="_lakebox_resettable_server")(_session_server)
    clean_lakebox = pytest.fixture(name="lakebox")(_clean_lakebox)


def pytest_configure(config):
    config.addinivalue_line("markers", "local_only: needs lakebox's own endpoints; skipped when LAKEBOX_TARGET=aws")


def pytest_collection_modifyitems(config, items):
    if not target_is_aws():
        return
    skip = pytest.mark.skip(reason="local_only: needs lakebox's /_lakebox/ endpoints")
    for item in items:
        if "local_only" in item.keywords:
            item.add_marker(skip)
