"""One server per data directory; `lakebox reset` refuses under a running server; a port
in use is reported before any "listening" line. Real `lakebox` processes throughout."""
import os
import socket
import subprocess
import sys

import pytest

from lakebox.testing import LakeboxServer, free_port

pytestmark = pytest.mark.local_only


def lakebox_cli(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "lakebox.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def running(tmp_path):
    """A server holding a data directory, with one object in it."""
    server = LakeboxServer(data_dir=str(tmp_path / "data")).start()
    s3 = server.client("s3")
    s3.create_bucket(Bucket="kept")
    s3.put_object(Bucket="kept", Key="k", Body=b"still here")
    yield server
    server.stop()


def test_a_second_server_on_a_data_dir_in_use_exits_with_a_clear_message(running):
    second = lakebox_cli("serve", "--port", str(free_port()), "--data-dir", running.data_dir)
    assert second.returncode == 1
    assert second.stderr == (f"lakebox: the data directory {running.data_dir} is in use by a running lakebox "
                             f"server (pid {running.process.pid}); stop it or use --data-dir\n")
    assert running.client("s3").get_object(Bucket="kept", Key="k")["Body"].read() == b"still here"


def test_reset_refuses_while_a_server_holds_the_data_dir(running):
    reset = lakebox_cli("reset", "--data-dir", running.data_dir)
    assert reset.returncode == 1
    assert reset.stderr == (f"lakebox: the data directory {running.data_dir} is in use by a running lakebox "
                            f"server (pid {running.process.pid}); stop it first, or wipe it while it runs "
                            f"with POST /_lakebox/reset\n")
    assert running.client("s3").get_object(Bucket="kept", Key="k")["Body"].read() == b"still here"


def test_reset_removes_the_data_dir_once_the_server_stopped(running):
    running.stop()
    reset = lakebox_cli("reset", "--data-dir", running.data_dir)
    assert (reset.returncode, reset.stdout) == (0, f"lakebox: removed {running.data_dir}\n")
    assert not os.path.exists(running.data_dir)


def test_a_killed_server_leaves_no_lock_behind(running):
    running.kill()
    running.start()
    assert running.client("s3").get_object(Bucket="kept", Key="k")["Body"].read() == b"still here"


def test_a_thread_server_holds_its_data_dir_too(running):
    running.stop()
    with LakeboxServer(data_dir=running.data_dir, mode="thread"):
        second = lakebox_cli("serve", "--port", str(free_port()), "--data-dir", running.data_dir)
        assert second.returncode == 1
        assert "is in use by a running lakebox server" in second.stderr


def test_a_port_in_use_is_reported_before_listening(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        second = lakebox_cli("serve", "--port", str(port), "--data-dir", str(tmp_path / "data"))
    assert second.returncode == 1
    assert second.stderr == f"lakebox: port {port} on 127.0.0.1 is already in use; stop what holds it or use --port\n"
