"""The per-test `lakebox` fixture: every test that asks for it starts from a clean lakebox."""
import pytest

pytestmark = pytest.mark.local_only


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_with_no_state_and_an_unmoved_clock(lakebox, run):
    s3 = lakebox.client("s3")
    assert s3.list_buckets()["Buckets"] == []
    assert lakebox.advance_clock(0)["offset"] == 0
    s3.create_bucket(Bucket="left-behind")     # the next run fails if this survives
    lakebox.advance_clock(3600)


def test_the_session_server_keeps_its_own_state(lakebox_server, lakebox):
    lakebox_server.client("s3").create_bucket(Bucket="session-wide-kept")
    lakebox.reset()
    names = [bucket["Name"] for bucket in lakebox_server.client("s3").list_buckets()["Buckets"]]
    assert "session-wide-kept" in names
