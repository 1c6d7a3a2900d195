"""`lakebox info`: per service, the operations of the installed botocore's model that are
served and those that are not (human-readable, or one JSON document with --json)."""
import json
import subprocess
import sys

import botocore.session
import pytest

pytestmark = pytest.mark.local_only


def lakebox_info(*args):
    done = subprocess.run([sys.executable, "-m", "lakebox.cli", "info", *args], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def report():
    return json.loads(lakebox_info("--json"))


def test_every_operation_of_the_installed_model_is_listed_once(report):
    session = botocore.session.get_session()
    assert report["botocore"] == botocore.__version__
    for service, ops in report["services"].items():
        model = set(session.get_service_model(service).operation_names)
        assert sorted(ops["served"] + ops["not_served"]) == sorted(model), service
        assert not set(ops["served"]) & set(ops["not_served"]), service


def test_served_operations_are_the_written_ones(report):
    services = report["services"]
    assert {"PutObject", "ListObjectsV2", "CompleteMultipartUpload"} <= set(services["s3"]["served"])
    assert {"PutRecords", "SubscribeToShard"} <= set(services["kinesis"]["served"])
    assert {"AssumeRole", "GetCallerIdentity"} <= set(services["sts"]["served"])
    assert {"CreateDatabase", "StartCrawler"} <= set(services["glue"]["served"])
    assert services["redshift-data"]["served"] == []
    assert "ExecuteStatement" in services["redshift-data"]["not_served"]


def test_the_plain_listing_names_what_is_served_and_not(report):
    text = lakebox_info()
    kinesis = report["services"]["kinesis"]
    total = len(kinesis["served"]) + len(kinesis["not_served"])
    assert f"\nkinesis: {len(kinesis['served'])} of {total} operations served\n  served: " in text
    unserved_total = len(report["services"]["redshift-data"]["not_served"])
    assert f"\nredshift-data: none of {unserved_total} operations served yet\n" in text
    flat = " ".join(text.split())
    for operation in report["services"]["s3"]["not_served"]:
        assert operation in flat
