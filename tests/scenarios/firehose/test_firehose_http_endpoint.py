"""The HTTP endpoint destination: a real POST in Firehose's request format with the
access key header; failed deliveries are retried on the server clock until the retry
duration, then go to the S3 backup as error records; AllData backs up every record."""
import base64
import datetime
import gzip
import http.server
import json
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from firehose_helpers import ROLE, objects, wait_for_objects, wait_until

pytestmark = pytest.mark.local_only


class Endpoint:
    """An HTTPS server (self-signed) that records requests and answers as told."""

    def __init__(self, tmp_path):
        self.requests, self.status, self.echo_id = [], 200, True
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                .sign(key, hashes.SHA256()))
        (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                document = json.loads(body)
                endpoint.requests.append((dict(self.headers), document))
                answer = json.dumps({"requestId": document["requestId"] if endpoint.echo_id else "other",
                                     "timestamp": document["timestamp"]}).encode()
                self.send_response(endpoint.status)
                self.send_header("Content-Type", "application/json")    # the response spec requires it
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}/ingest"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def records(self):
        return [base64.b64decode(r["data"]) for _, document in self.requests for r in document["records"]]


@pytest.fixture
def endpoint(tmp_path):
    running = Endpoint(tmp_path)
    yield running
    running.server.shutdown()


def http_destination(endpoint, bucket, **extra):
    return {"HttpEndpointDestinationConfiguration": {
        "EndpointConfiguration": {"Url": endpoint.url, "Name": "local", "AccessKey": "secret-key"},
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "RequestConfiguration": {"ContentEncoding": "GZIP",
                                 "CommonAttributes": [{"AttributeName": "team", "AttributeValue": "data"}]},
        "RetryOptions": {"DurationInSeconds": 60},
        "S3Configuration": {"RoleARN": ROLE, "BucketARN": f"arn:aws:s3:::{bucket}", "ErrorOutputPrefix": "failed/"},
        **extra}}


def test_records_are_posted_in_firehose_request_format(firehose, s3, bucket, make_stream, clock, endpoint):
    name = make_stream(http_destination(endpoint, bucket))
    description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
    described = description["Destinations"][0]["HttpEndpointDestinationDescription"]
    assert described["EndpointConfiguration"] == {"Url": endpoint.url, "Name": "local"}      # no access key
    assert described["S3BackupMode"] == "FailedDataOnly"
    firehose.put_record_batch(DeliveryStreamName=name, Records=[{"Data": f"r{i}".encode()} for i in range(10)])
    clock(61)
    assert wait_until(lambda: endpoint.requests)
    (headers, document), = endpoint.requests
    assert headers["X-Amz-Firehose-Access-Key"] == "secret-key"
    assert headers["X-Amz-Firehose-Source-Arn"] == description["DeliveryStreamARN"]
    assert headers["X-Amz-Firehose-Request-Id"] == document["requestId"]
    assert json.loads(headers["X-Amz-Firehose-Common-Attributes"]) == {"commonAttributes": {"team": "data"}}
    assert endpoint.records() == [f"r{i}".encode() for i in range(10)]
    assert objects(s3, bucket) == {}


def test_refused_records_are_retried_then_backed_up(firehose, s3, bucket, make_stream, clock, endpoint):
    endpoint.status = 500
    name = make_stream(http_destination(endpoint, bucket))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"payload"})
    clock(61)
    assert wait_for_objects(s3, bucket, timeout=2) == {}
    failure = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "FailureDescription"]
    # Firehose's words for a refusal (HTTP endpoint troubleshooting guide, "Destination Exceptions")
    assert failure["Details"].startswith("HttpEndpoint.DestinationException: The following response was received "
                                         "from the endpoint destination. 500: {\"requestId\": ")
    clock(30)
    clock(31)
    (key, body), = wait_for_objects(s3, bucket).items()
    assert key.startswith("failed/")
    record = json.loads(body)
    assert (record["errorCode"], base64.b64decode(record["rawData"])) == (
        "HttpEndpoint.DestinationException", b"payload")
    assert len(endpoint.requests) >= 2


def test_an_answer_for_another_request_is_an_invalid_response(firehose, s3, bucket, make_stream, clock, endpoint):
    """A 200 whose requestId is not the request's: the troubleshooting guide's
    InvalidResponseFromDestination, in its words."""
    endpoint.echo_id = False
    name = make_stream(http_destination(endpoint, bucket))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"payload"})
    clock(61)
    assert wait_until(lambda: firehose.describe_delivery_stream(DeliveryStreamName=name)[
        "DeliveryStreamDescription"].get("FailureDescription"))
    details = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"][
        "FailureDescription"]["Details"]
    request_id = endpoint.requests[0][1]["requestId"]
    assert details.startswith(
        f"HttpEndpoint.InvalidResponseFromDestination: The response received from the specified endpoint is "
        f"invalid. Contact the owner of the endpoint to resolve the issue. Response for request {request_id} is "
        f"not recognized as valid JSON or has unexpected fields. Raw response received: 200 {{\"requestId\": "
        f"\"other\"")


def test_all_data_backs_up_every_record(firehose, s3, bucket, make_stream, clock, endpoint):
    name = make_stream(http_destination(endpoint, bucket, S3BackupMode="AllData"))
    firehose.put_record(DeliveryStreamName=name, Record={"Data": b"both"})
    clock(61)
    assert list(wait_for_objects(s3, bucket).values()) == [b"both"]
    assert endpoint.records() == [b"both"]
