"""Suite-wide: every test that used the shared server leaves its clock where it found it.

Tests move the lakebox clock (`/_lakebox/clock`) to expire TTLs, flush buffers and age
retention; the session server is shared, and a clock left moved makes later tests judge
presigned URLs and credentials against the wrong time."""
import json
import urllib.request

import pytest


@pytest.fixture(autouse=True)
def _clock_put_back(request):
    yield
    if "lakebox_server" not in request.fixturenames:
        return
    server = request.getfixturevalue("lakebox_server")
    if server.endpoint is None:          # LAKEBOX_TARGET=aws: no clock to move
        return
    with urllib.request.urlopen(server.endpoint + "/_lakebox/clock", timeout=10) as answer:
        if not json.load(answer)["offset"]:
            return
    put_back = urllib.request.Request(server.endpoint + "/_lakebox/clock", method="POST",
                                      data=json.dumps({"offset": 0}).encode(),
                                      headers={"Content-Type": "application/json"})
    urllib.request.urlopen(put_back, timeout=10).close()
