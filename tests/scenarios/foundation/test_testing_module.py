"""`lakebox.testing.LakeboxServer` as a user's own test suite would use it."""
import pytest

from lakebox.testing import LakeboxServer

pytestmark = pytest.mark.local_only


@pytest.mark.parametrize("mode", ["thread", "subprocess"])
def test_server_serves_then_stops(mode):
    with LakeboxServer(mode=mode) as server:
        assert server.health()["status"] == "ok"
        assert server.client("sts").get_caller_identity()["Account"] == "000000000000"
        endpoint = server.endpoint
    with pytest.raises(OSError):
        LakeboxServer(port=int(endpoint.rsplit(":", 1)[1])).health()
