"""PynamoDB the way an application uses it: optimistic locking with VersionAttribute,
nested MapAttribute updates, a TTL attribute, and TransactWrite/TransactGet with a client
request token."""
import uuid
from datetime import timedelta

import pytest
from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, TTLAttribute, UnicodeAttribute,
                                 VersionAttribute)
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactGet, TransactWrite


class Address(MapAttribute):
    city = UnicodeAttribute()
    zip = UnicodeAttribute(null=True)


@pytest.fixture
def account_model(lakebox_server, monkeypatch):
    if not lakebox_server.endpoint:
        pytest.skip("the model is pointed at lakebox's endpoint")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")

    class Account(Model):
        Meta = type("Meta", (), {"table_name": f"pynamo-lock-{uuid.uuid4().hex[:8]}", "region": "us-east-1",
                                 "host": lakebox_server.endpoint, "billing_mode": "PAY_PER_REQUEST"})
        id = UnicodeAttribute(hash_key=True)
        version = VersionAttribute()
        expires = TTLAttribute(null=True)
        address = Address(null=True)
        tags = ListAttribute(null=True)
        frozen = BooleanAttribute(default=False)

    Account.create_table(wait=True)
    yield Account
    Account.delete_table()


def test_version_attribute_refuses_a_stale_writer(account_model):
    first = account_model("acme", address=Address(city="Paris"), tags=["gold"], expires=timedelta(days=30))
    first.save()
    second = account_model.get("acme")
    assert (second.version, second.address.city, second.tags) == (1, "Paris", ["gold"])
    second.update(actions=[account_model.frozen.set(True), account_model.address.zip.set("75001"),
                           account_model.tags.set(account_model.tags.append(["vip"]))])
    assert (second.version, second.address.zip, second.tags) == (2, "75001", ["gold", "vip"])
    with pytest.raises(PutError) as stale_save:
        first.save()
    assert stale_save.value.cause_response_code == "ConditionalCheckFailedException"
    with pytest.raises(UpdateError) as stale_update:
        first.update(actions=[account_model.frozen.set(False)])
    assert stale_update.value.cause_response_code == "ConditionalCheckFailedException"
    assert account_model.get("acme", consistent_read=True).frozen is True


def test_transactions_with_conditions(account_model, lakebox_server):
    connection = Connection(host=lakebox_server.endpoint, region="us-east-1")
    account_model("acme").save()
    acme = account_model.get("acme")
    with TransactWrite(connection=connection, client_request_token=uuid.uuid4().hex) as transaction:
        transaction.save(account_model("globex"))
        transaction.update(acme, actions=[account_model.frozen.set(True)])
    with pytest.raises(TransactWriteError) as cancelled:
        with TransactWrite(connection=connection) as transaction:
            transaction.save(account_model("initech"))
            transaction.condition_check(account_model, "globex", condition=account_model.frozen == True)  # noqa: E712
    assert cancelled.value.cause_response_code == "TransactionCanceledException"
    # PynamoDB sends condition checks first, then puts
    assert [r and r.code for r in cancelled.value.cancellation_reasons] == ["ConditionalCheckFailed", None]
    with TransactGet(connection=connection) as reads:
        acme_future, globex_future = reads.get(account_model, "acme"), reads.get(account_model, "globex")
    assert (acme_future.get().version, acme_future.get().frozen, globex_future.get().version) == (2, True, 1)
    assert sorted(a.id for a in account_model.scan()) == ["acme", "globex"]
