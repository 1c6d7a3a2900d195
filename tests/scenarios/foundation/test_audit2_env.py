"""`lakebox serve | reset | info` set up by LAKEBOX_* variables alone, as in a container
or a CI job, and a variable that cannot be used refused in one line."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from lakebox.testing import free_port

pytestmark = pytest.mark.local_only


def lakebox_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "lakebox.cli", *args], capture_output=True, text=True,
                          timeout=60, env={**os.environ, **env})


def _health(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_lakebox/health", timeout=2) as answer:
                return json.load(answer)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_reset_and_info_read_the_environment(tmp_path):
    port, data_dir = free_port(), str(tmp_path / "from-env")
    env = {"LAKEBOX_PORT": str(port), "LAKEBOX_DATA_DIR": data_dir, "LAKEBOX_LIMITS": "off"}
    server = subprocess.Popen([sys.executable, "-m", "lakebox.cli", "serve", "--quiet"],
                              env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _health(port)["status"] == "ok"
        assert os.listdir(data_dir)
    finally:
        server.terminate()
        server.wait(timeout=30)
    info = lakebox_cli("info", "--json", env=env)
    assert json.loads(info.stdout)["data_dir"] == data_dir
    reset = lakebox_cli("reset", env=env)
    assert (reset.returncode, reset.stdout) == (0, f"lakebox: removed {data_dir}\n")
    assert not os.path.exists(data_dir)


@pytest.mark.parametrize("variable, value, said", [
    ("LAKEBOX_PORT", "http", "LAKEBOX_PORT must be an integer, not 'http'"),
    ("LAKEBOX_LIMITS", "on", "LAKEBOX_LIMITS must be 'aws' or 'off', not 'on'"),
    ("LAKEBOX_FSYNC", "never", "LAKEBOX_FSYNC must be 'background' or 'always', not 'never'"),
    ("LAKEBOX_TRANSITION_DELAY", "5s", "LAKEBOX_TRANSITION_DELAY must be a number, not '5s'"),
])
def test_a_variable_that_cannot_be_used_is_named_in_one_line(tmp_path, variable, value, said):
    served = lakebox_cli("serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "data"),
                         env={variable: value})
    assert (served.returncode, served.stdout, served.stderr) == (1, "", f"lakebox: {said}\n")

