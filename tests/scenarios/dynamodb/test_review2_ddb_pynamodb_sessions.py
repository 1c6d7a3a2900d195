"""A PynamoDB model of web sessions as an application keeps them: a TTLAttribute (the
model's create_table switches TTL on), a map and a list attribute updated in place, a
VersionAttribute guarding against stale writers, TransactWrite/TransactGet with a
failing condition (PynamoDB's TransactWriteError carries DynamoDB's cancellation
reasons), and expiry seen once the lakebox clock passes the sessions' deadlines."""
import time
import uuid
from datetime import timedelta

import pytest
from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, TTLAttribute,
                                 UnicodeAttribute, VersionAttribute)
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactGet, TransactWrite
from ddb_helpers import pynamodb_meta, pynamodb_table


def _session_model(endpoint):
    class Device(MapAttribute):
        kind = UnicodeAttribute()
        os = UnicodeAttribute(null=True)

    class Session(Model):
        Meta = pynamodb_meta(endpoint, "sessions")
        session_id = UnicodeAttribute(hash_key=True)
        user = UnicodeAttribute()
        expires = TTLAttribute(null=True)
        device = Device(null=True)
        pages = ListAttribute(of=UnicodeAttribute, null=True)
        active = BooleanAttribute(default=True)
        hits = NumberAttribute(default=0)
        version = VersionAttribute()

    return Session


@pytest.fixture
def session_model(lakebox_server):
    yield from pynamodb_table(lakebox_server, _session_model)


@pytest.fixture
def connection(lakebox_server):
    return Connection(host=lakebox_server.endpoint, region="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test")


def test_create_table_switches_ttl_on(session_model, client):
    described = client("dynamodb").describe_time_to_live(TableName=session_model.Meta.table_name)
    assert described["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}


def test_map_and_list_updated_in_place(session_model):
    session_model("s1", user="ana", expires=timedelta(minutes=30), device={"kind": "phone"}, pages=["/"]).save()
    session = session_model.get("s1")
    session.update(actions=[session_model.pages.set(session_model.pages.append(["/cart"])),
                            session_model.device.os.set("android"), session_model.hits.add(3)])
    again = session_model.get("s1", consistent_read=True)
    assert again.pages == ["/", "/cart"]
    assert (again.device.kind, again.device.os) == ("phone", "android")
    assert (again.hits, again.version, again.active) == (3, 2, True)
    session.update(actions=[session_model.pages.remove(), session_model.device.os.remove()])
    after = session_model.get("s1", consistent_read=True)
    assert after.pages is None and after.device.os is None and after.version == 3


def test_a_stale_writer_is_refused(session_model):
    session_model("s2", user="bo").save()
    stale = session_model.get("s2")
    session_model.get("s2").update(actions=[session_model.user.set("bo-renamed")])
    with pytest.raises(UpdateError) as refused:
        stale.update(actions=[session_model.user.set("lost update")])
    assert refused.value.cause_response_code == "ConditionalCheckFailedException"
    assert refused.value.cause_response_message == "The conditional request failed"
    assert session_model.get("s2", consistent_read=True).user == "bo-renamed"


def test_transactions_with_a_failing_condition(session_model, connection):
    session_model("s3", user="cy").save()
    current = session_model.get("s3")
    with pytest.raises(TransactWriteError) as cancelled:
        with TransactWrite(connection=connection) as transaction:
            transaction.save(session_model("s4", user="dee"))
            transaction.update(current, actions=[session_model.active.set(False)],
                               condition=session_model.user == "somebody else")
    assert cancelled.value.cause_response_code == "TransactionCanceledException"
    assert [r.code if r else None for r in cancelled.value.cancellation_reasons] == [None, "ConditionalCheckFailed"]
    assert cancelled.value.cancellation_reasons[1].message == "The conditional request failed"
    assert session_model.count("s4") == 0
    with TransactWrite(connection=connection, client_request_token=uuid.uuid4().hex) as transaction:
        transaction.save(session_model("s4", user="dee"))
        transaction.update(current, actions=[session_model.active.set(False)])
    with TransactGet(connection=connection) as reading:
        first, second = reading.get(session_model, "s3"), reading.get(session_model, "s4")
    assert (first.get().active, first.get().version, second.get().user) == (False, 2, "dee")


@pytest.mark.local_only
def test_sessions_expire_when_the_clock_passes_their_deadline(session_model, clock):
    session_model("short", user="eve", expires=timedelta(minutes=5)).save()
    session_model("long", user="fay", expires=timedelta(days=2)).save()
    session_model("forever", user="gus").save()
    clock(3600)
    for _ in range(40):
        left = sorted(s.session_id for s in session_model.scan())
        if left == ["forever", "long"]:
            break
        time.sleep(0.25)
    assert left == ["forever", "long"]
