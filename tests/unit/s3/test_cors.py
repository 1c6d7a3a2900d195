"""CORS preflight and actual-request headers from a bucket's stored CORS rules."""
from types import SimpleNamespace

import pytest

from lakebox.services.s3 import cors, store
from lakebox.storage.db import Database

RULES = {"CORSRules": [
    {"AllowedOrigins": ["https://app.example.com", "http://*.example.org"],
     "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["Content-Type", "x-amz-*"],
     "ExposeHeaders": ["ETag", "x-amz-request-id"],
     "MaxAgeSeconds": 3000},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]}


@pytest.fixture
def ctx():
    db = Database(None)
    db.migrate("s3", store.SCHEMA)
    store.insert_bucket(db, "web", "000000000000", "us-east-1", 0.0, False)
    store.put_config(db, "web", "cors", RULES)
    store.insert_bucket(db, "plain", "000000000000", "us-east-1", 0.0, False)
    return SimpleNamespace(state=SimpleNamespace(db=db), request_id="req-1")


def test_preflight_allowed(ctx):
    status, headers, body = cors.preflight(ctx, "web", "https://app.example.com", "PUT",
                                           "Content-Type, X-Amz-Date", key="a/b.txt")
    assert status == 200 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-amz-date"
    assert headers["Access-Control-Expose-Headers"] == "ETag, x-amz-request-id"
    assert headers["Access-Control-Max-Age"] == "3000"
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in headers["Vary"]


def test_preflight_wildcard_origin(ctx):
    status, headers, _ = cors.preflight(ctx, "web", "http://shop.example.org", "GET", None)
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "http://shop.example.org"


def test_preflight_falls_to_the_any_origin_rule(ctx):
    status, headers, _ = cors.preflight(ctx, "web", "https://elsewhere.net", "GET", None)
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in headers


@pytest.mark.parametrize("origin,method,request_headers", [
    ("https://elsewhere.net", "PUT", None),                   # origin only allowed for GET
    ("https://app.example.com", "DELETE", None),              # method not allowed
    ("https://app.example.com", "PUT", "Authorization"),      # header not allowed
])
def test_preflight_not_allowed(ctx, origin, method, request_headers):
    status, headers, body = cors.preflight(ctx, "web", origin, method, request_headers, key="k")
    assert status == 403
    assert headers["Content-Type"] == "application/xml"
    assert b"<Code>AccessForbidden</Code>" in body
    assert b"<Message>CORSResponse: This CORS request is not allowed." in body
    assert f"<Method>{method}</Method><ResourceType>OBJECT</ResourceType>".encode() in body


def test_preflight_without_cors_configuration(ctx):
    status, _, body = cors.preflight(ctx, "plain", "https://app.example.com", "GET", None)
    assert status == 403
    assert b"CORSResponse: CORS is not enabled for this bucket." in body
    assert b"<ResourceType>BUCKET</ResourceType>" in body


def test_preflight_without_origin_or_method(ctx):
    status, _, body = cors.preflight(ctx, "web", None, "GET", None)
    assert status == 400 and b"Insufficient information. Origin request header needed." in body
    status, _, body = cors.preflight(ctx, "web", "https://app.example.com", None, None)
    assert status == 400 and b"Invalid Access-Control-Request-Method: null" in body


def test_actual_request_headers(ctx):
    headers = cors.cors_headers(ctx, "web", "https://app.example.com", "GET")
    assert headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert headers["Access-Control-Expose-Headers"] == "ETag, x-amz-request-id"
    assert cors.cors_headers(ctx, "web", "https://elsewhere.net", "PUT") == {}
    assert cors.cors_headers(ctx, "plain", "https://app.example.com", "GET") == {}
    assert cors.cors_headers(ctx, "web", None, "GET") == {}
