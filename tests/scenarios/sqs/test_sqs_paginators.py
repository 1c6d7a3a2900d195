"""SQS's paginators (ListQueues, ListDeadLetterSourceQueues), driven with PageSize,
MaxItems and StartingToken over more queues than a page holds. Their order is not
documented, so they are checked as sets; a NextToken SQS never gave is refused."""
import json
import uuid

import pytest

from paging import account_client, check_paginator, error_of, fresh_account

BAD_TOKEN = ("InvalidParameterValue", "Invalid NextToken value.")


@pytest.mark.local_only
def test_queues_page(lakebox_server):
    sqs = account_client(lakebox_server, "sqs", fresh_account())
    urls = [sqs.create_queue(QueueName=f"paging-{n}")["QueueUrl"] for n in range(6)]
    other = sqs.create_queue(QueueName="elsewhere")["QueueUrl"]
    check_paginator(sqs, "ListQueues", urls + [other], ordered=False)
    check_paginator(sqs, "ListQueues", urls, ordered=False, QueueNamePrefix="paging-")
    assert error_of(sqs.list_queues, MaxResults=2, NextToken="bogus") == BAD_TOKEN


def test_dead_letter_sources_page(sqs):
    tag = uuid.uuid4().hex[:8]
    dead = sqs.create_queue(QueueName=f"dlq-{tag}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": "3"})
    sources = [sqs.create_queue(QueueName=f"src-{tag}-{n}", Attributes={"RedrivePolicy": policy})["QueueUrl"]
               for n in range(5)]
    try:
        check_paginator(sqs, "ListDeadLetterSourceQueues", sources, ordered=False, QueueUrl=dead)
        assert error_of(sqs.list_dead_letter_source_queues, QueueUrl=dead, MaxResults=2,
                        NextToken="bogus") == BAD_TOKEN
    finally:
        for url in sources + [dead]:
            sqs.delete_queue(QueueUrl=url)
