"""lakebox's stand-in for Glue's `awsglue.utils.getResolvedOptions`, as Glue documents it
(https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-crawler-pyspark-extensions-get-resolved-options.html)."""
import importlib
import sys

import pytest

from lakebox.services.glue import job_process


@pytest.fixture
def utils(monkeypatch):
    monkeypatch.syspath_prepend(job_process.PYSHELL_PATH)
    sys.modules.pop("awsglue", None)
    sys.modules.pop("awsglue.utils", None)
    yield importlib.import_module("awsglue.utils")
    sys.modules.pop("awsglue", None)
    sys.modules.pop("awsglue.utils", None)


ARGV = ["script.py", "--JOB_NAME", "nightly", "--JOB_RUN_ID", "jr_1", "--day_partition_key", "partition_0",
        "--extra", "ignored"]


BOOKMARK_DEFAULTS = {"job_bookmark_option": "job-bookmark-disable", "job_bookmark_from": None,
                     "job_bookmark_to": None}


def test_named_arguments_are_read_without_their_dashes(utils):
    assert utils.getResolvedOptions(ARGV, ["JOB_NAME", "day_partition_key"]) == {
        "JOB_NAME": "nightly", "day_partition_key": "partition_0", **BOOKMARK_DEFAULTS}


def test_a_missing_argument_is_a_glue_argument_error(utils):
    with pytest.raises(utils.GlueArgumentError, match="the following arguments are required: --hour_partition_key"):
        utils.getResolvedOptions(ARGV, ["JOB_NAME", "hour_partition_key"])


def test_a_hyphen_in_a_name_is_answered_as_an_underscore(utils):
    assert utils.getResolvedOptions(["script.py", "--output-path", "s3://b/k"], ["output-path"]) == {
        "output_path": "s3://b/k", **BOOKMARK_DEFAULTS}


def test_the_bookmark_option_is_always_resolved(utils):
    argv = ["script.py", "--job-bookmark-option", "job-bookmark-pause", "--job-bookmark-from", "jr_1",
            "--job-bookmark-to", "jr_2"]
    assert utils.getResolvedOptions(argv, []) == {"job_bookmark_option": "job-bookmark-pause",
                                                  "job_bookmark_from": "jr_1", "job_bookmark_to": "jr_2"}
    with pytest.raises(utils.GlueArgumentError, match="invalid choice: 'on'"):
        utils.getResolvedOptions(["script.py", "--job-bookmark-option", "on"], [])


@pytest.mark.parametrize("name, shown", [("job-bookmark-option", "job-bookmark-option"),
                                         ("job-bookmark-from", "--job-bookmark-from")])
def test_asking_for_a_reserved_argument_is_a_runtime_error(utils, name, shown):
    with pytest.raises(RuntimeError, match=f"^Using reserved arguments {shown}$"):
        utils.getResolvedOptions(ARGV, [name])
