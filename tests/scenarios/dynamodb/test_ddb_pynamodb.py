"""The PynamoDB ORM against lakebox: table creation, save/get/update/delete, conditional
writes, queries on keys and a global index, batch writes, scans and counts."""
import uuid

import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def _model(lakebox_server):
    class ByStatus(GlobalSecondaryIndex):
        class Meta:
            index_name = "by-status"
            projection = AllProjection()
        state = UnicodeAttribute(hash_key=True)

    class Reading(Model):
        class Meta:
            table_name = f"pynamo-{uuid.uuid4().hex[:10]}"
            region = "us-east-1"
            host = lakebox_server.endpoint
            aws_access_key_id = "test"
            aws_secret_access_key = "test"
            billing_mode = "PAY_PER_REQUEST"
        device = UnicodeAttribute(hash_key=True)
        at = NumberAttribute(range_key=True)
        state = UnicodeAttribute(default="ok")
        value = NumberAttribute(default=0)
        labels = UnicodeSetAttribute(null=True)
        by_status = ByStatus()

    return Reading


@pytest.fixture
def reading(lakebox_server):
    if not lakebox_server.endpoint:
        pytest.skip("the model is pointed at lakebox's endpoint")
    model = _model(lakebox_server)
    model.create_table(wait=True)
    yield model
    model.delete_table()


def test_save_get_update_delete(reading):
    reading(device="d1", at=1, value=10, labels={"a"}).save()
    got = reading.get("d1", 1)
    assert (got.value, got.state, got.labels) == (10, "ok", {"a"})
    got.update(actions=[reading.value.add(5), reading.labels.add({"b"}), reading.state.set("hot")])
    again = reading.get("d1", 1, consistent_read=True)
    assert (again.value, again.state, again.labels) == (15, "hot", {"a", "b"})
    again.delete()
    with pytest.raises(DoesNotExist):
        reading.get("d1", 1)


def test_conditional_save(reading):
    reading(device="d2", at=1).save(condition=reading.device.does_not_exist())
    with pytest.raises(PutError) as failed:
        reading(device="d2", at=1).save(condition=reading.device.does_not_exist())
    assert failed.value.cause_response_code == "ConditionalCheckFailedException"


def test_queries_batches_and_counts(reading):
    with reading.batch_write() as batch:
        for at in range(40):
            batch.save(reading(device="d3", at=at, value=at, state="hot" if at % 4 == 0 else "ok"))
    recent = [r.at for r in reading.query("d3", reading.at >= 35)]
    assert recent == [35, 36, 37, 38, 39]
    filtered = [r.at for r in reading.query("d3", reading.at < 10, filter_condition=reading.value > 6)]
    assert filtered == [7, 8, 9]
    assert sorted(r.at for r in reading.by_status.query("hot")) == list(range(0, 40, 4))
    assert reading.count("d3") == 40
    assert sum(1 for _ in reading.scan(reading.value >= 20, page_size=7)) == 20
