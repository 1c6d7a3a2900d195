"""`lakebox serve` and `lakebox reset` given a data directory they cannot use: one line
naming it and why, a non-zero exit, no traceback, nothing listening."""
import subprocess
import sys

import pytest

from lakebox.testing import free_port

pytestmark = pytest.mark.local_only


def lakebox_cli(*args):
    return subprocess.run([sys.executable, "-m", "lakebox.cli", *args], capture_output=True, text=True, timeout=60)


def test_a_file_where_the_data_directory_should_be(tmp_path):
    (tmp_path / "data").write_text("not a directory")
    served = lakebox_cli("serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "data"))
    assert (served.returncode, served.stdout) == (1, "")
    assert served.stderr == (f"lakebox: cannot use {tmp_path / 'data'} as the data directory: "
                             "it is a file, not a directory; use --data-dir\n")


def test_a_data_directory_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("x")
    data_dir = tmp_path / "file" / "data"
    served = lakebox_cli("serve", "--port", str(free_port()), "--data-dir", str(data_dir))
    assert served.returncode == 1
    assert served.stderr == f"lakebox: cannot use {data_dir} as the data directory: Not a directory; use --data-dir\n"
