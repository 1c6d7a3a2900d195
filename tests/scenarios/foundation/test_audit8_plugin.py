"""The pytest plugin as a user meets it: a project directory of their own, with no
conftest from lakebox, a test file, and pytest run there. The `lakebox` fixture is wiped
before each test, `lakebox_server` keeps its state for the session, nothing is written
into the project, and the plugin loads once however the project names it (installed
entry point, `-p lakebox.testing`, `pytest_plugins` in a conftest)."""
import importlib.metadata
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.local_only     # starts lakebox servers of its own

USER_TESTS = '''
import pytest


def test_first(lakebox):
    s3 = lakebox.client("s3")
    assert s3.list_buckets()["Buckets"] == []
    s3.create_bucket(Bucket="fresh")
    lakebox.advance_clock(3600)


def test_second_starts_clean(lakebox):
    s3 = lakebox.client("s3")
    assert s3.list_buckets()["Buckets"] == []
    assert lakebox.advance_clock(0)["offset"] == 0
    s3.create_bucket(Bucket="fresh")


def test_session_server_keeps(lakebox_server):
    lakebox_server.client("sqs").create_queue(QueueName="kept")


def test_session_server_kept(lakebox_server):
    urls = lakebox_server.client("sqs").list_queues()["QueueUrls"]
    assert [url.rsplit("/", 1)[1] for url in urls] == ["kept"]


@pytest.mark.local_only
def test_local_only(lakebox):
    assert lakebox.endpoint.startswith("http://127.0.0.1:")
'''


def run_pytest(project, *args, **env):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


@pytest.fixture
def project(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    return tmp_path


def test_the_installed_entry_point_is_named_as_its_module():
    """pytest skips loading a plugin it already holds under the entry point's name: named as
    the module, `-p lakebox.testing` and `pytest_plugins` find it there."""
    names = {point.name: point.value for point in importlib.metadata.entry_points(group="pytest11")
             if point.value == "lakebox.testing"}
    assert names == {"lakebox.testing": "lakebox.testing"}, \
        "stale install metadata: run `pip install --no-deps -e .` in the checkout"


@pytest.mark.parametrize("how", ["installed", "-p", "conftest"])
def test_a_fresh_project_gets_both_fixtures(project, how):
    args = ["-p", "lakebox.testing"] if how == "-p" else []
    if how == "conftest":
        (project / "conftest.py").write_text('pytest_plugins = ["lakebox.testing"]\n')
    run = run_pytest(project, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout
    written = {name for name in os.listdir(project) if name != "__pycache__"}
    assert written == {"test_user.py"} | ({"conftest.py"} if how == "conftest" else set())   # no .lakebox


def test_lakebox_target_aws_skips_local_only_tests(project):
    (project / "test_user.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.local_only\ndef test_local(lakebox):\n    pass\n\n"
        "def test_aimed_at_aws(lakebox, lakebox_server):\n"
        "    assert lakebox.endpoint is None and lakebox_server.endpoint is None\n"
        "    assert lakebox.client('s3').meta.endpoint_url.startswith('https://')\n")
    run = run_pytest(project, "-rs", LAKEBOX_TARGET="aws", AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed, 1 skipped" in run.stdout
    assert "local_only" in run.stdout


def test_target_alone_is_not_read(project):
    """`TARGET` is a common CI variable: only `LAKEBOX_TARGET` aims the fixtures at AWS."""
    run = run_pytest(project, TARGET="aws")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout
