"""Hooks: who claims a request, whose checks and spooler apply, which headers are added."""
from types import SimpleNamespace

from lakebox.aws.context import HttpRequest
from lakebox.aws.hooks import Hooks
from lakebox.aws.serialize import Response


def request(path="/", method="GET"):
    return HttpRequest(method, path, [], {})


def route_of(service):
    return SimpleNamespace(spec=SimpleNamespace(name=service), wire="json")


async def console(state, req, receive):
    return Response(200, [], b"console")


async def broad(state, req, receive):
    return Response(200, [], b"broad")


def test_the_fallback_service_is_asked_last():
    hooks = Hooks({"s3": SimpleNamespace(claim=lambda req: broad),
                   "opensearch": SimpleNamespace(claim=lambda req: console if req.raw_path == "/_dashboards" else None)},
                  last="s3")
    assert hooks.claim(request("/_dashboards")) == ("opensearch", console)
    assert hooks.claim(request("/bucket")) == ("s3", broad)


def test_nothing_claims_without_claim_hooks():
    assert Hooks({"kinesis": SimpleNamespace()}).claim(request()) is None


def test_a_service_without_its_own_checks_gets_the_common_ones():
    checked = []
    hooks = Hooks({"s3": SimpleNamespace(authenticate=lambda state, route, req: checked.append(route.spec.name))})
    hooks.authenticate(None, route_of("s3"), request())
    hooks.authenticate(None, route_of("kinesis"), HttpRequest("POST", "/", [], {"x-amz-date": "x",
                       "authorization": "AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, "
                                        "Signature=0"}))
    assert checked == ["s3"]


def test_only_streaming_operations_get_the_spooler():
    async def spool(state, req, chunks):
        return None
    s3 = SimpleNamespace(streams_payload=lambda route: route.upload, spool_payload=spool)
    hooks = Hooks({"s3": s3})
    assert hooks.payload_spooler(SimpleNamespace(spec=SimpleNamespace(name="s3"), upload=True)) is spool
    assert hooks.payload_spooler(SimpleNamespace(spec=SimpleNamespace(name="s3"), upload=False)) is None
    assert hooks.payload_spooler(route_of("kinesis")) is None


def test_a_service_may_refuse_a_payload_before_it_is_read():
    asked = []
    hooks = Hooks({"s3": SimpleNamespace(admit_payload=lambda ctx, route: asked.append(route.spec.name))})
    hooks.admit_payload(None, route_of("s3"))
    hooks.admit_payload(None, route_of("kinesis"))       # no such hook: nothing to ask
    assert asked == ["s3"]


def test_response_headers_come_from_every_hook():
    hooks = Hooks({"s3": SimpleNamespace(response_headers=lambda state, req, route, response: [("a", "1")]),
                   "sqs": SimpleNamespace(response_headers=lambda state, req, route, response: ())})
    response = Response(200, [("x", "0")], b"")
    hooks.add_response_headers(None, request(), None, response)
    assert response.headers == [("x", "0"), ("a", "1")]
