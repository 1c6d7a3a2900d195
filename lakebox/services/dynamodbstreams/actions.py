"""DynamoDB Streams operations, one function per operation (botocore's xform_name)."""
from lakebox.services.dynamodbstreams.streams import (  # noqa: F401
    describe_stream, get_records, get_shard_iterator, list_streams)
