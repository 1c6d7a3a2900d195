"""A PynamoDB application: a model with a GSI and a map attribute, created from the
model, saved, updated with actions, conditions, queried through the index, counted,
batch written, and a version-checked optimistic update that loses."""
import uuid

import pytest


@pytest.fixture
def models(lakebox_server):
    from pynamodb.attributes import (ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute,
                                     UnicodeSetAttribute, VersionAttribute)
    from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
    from pynamodb.models import Model

    suffix = uuid.uuid4().hex[:10]

    class Address(MapAttribute):
        city = UnicodeAttribute()
        zip = UnicodeAttribute(null=True)

    class ByEmail(GlobalSecondaryIndex):
        class Meta:
            index_name = "by_email"
            projection = AllProjection()
        email = UnicodeAttribute(hash_key=True)

    class User(Model):
        class Meta:
            table_name = f"users-{suffix}"
            region = "us-east-1"
            host = lakebox_server.endpoint
            aws_access_key_id = "test"
            aws_secret_access_key = "test"
            billing_mode = "PAY_PER_REQUEST"
        user_id = UnicodeAttribute(hash_key=True)
        email = UnicodeAttribute()
        score = NumberAttribute(default=0)
        roles = UnicodeSetAttribute(null=True)
        address = Address(null=True)
        history = ListAttribute(null=True)
        version = VersionAttribute()
        by_email = ByEmail()

    User.create_table(wait=True)
    yield User
    User.delete_table()


def test_model_life_cycle(models):
    User = models
    User(user_id="u1", email="a@x.io", roles={"dev"}, address={"city": "Braga"},
         history=["signup"]).save()
    with User.batch_write() as batch:
        for n in range(2, 30):
            batch.save(User(user_id=f"u{n}", email=f"user{n}@x.io", score=n))
    user = User.get("u1")
    assert user.address.city == "Braga" and user.roles == {"dev"} and user.version == 1
    user.update(actions=[User.score.add(5), User.roles.add({"ops"}), User.address.zip.set("4700"),
                         User.history.set(User.history.append(["login"]))])
    user.refresh()
    assert user.score == 5 and user.roles == {"dev", "ops"} and user.address.zip == "4700" and user.version == 2
    assert user.history == ["signup", "login"]
    assert [u.user_id for u in User.by_email.query("user7@x.io")] == ["u7"]
    assert User.count() == 29
    high = sorted(u.user_id for u in User.scan(User.score >= 27))
    assert high == ["u27", "u28", "u29"]
    assert User.count("u3", filter_condition=User.score == 3) == 1
    from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
    stale = User.get("u2")
    fresh = User.get("u2")
    fresh.score = 100
    fresh.save()
    stale.score = 1
    with pytest.raises(PutError) as caught:
        stale.save()
    assert caught.value.cause_response_code == "ConditionalCheckFailedException"
    with pytest.raises(UpdateError):
        User("u3", email="x").update(actions=[User.score.set(1)], condition=User.score > 1000)
    User.get("u4").delete()
    with pytest.raises(DoesNotExist):
        User.get("u4")
    got = sorted(u.user_id for u in User.batch_get(["u1", "u4", "u5"]))
    assert got == ["u1", "u5"]
