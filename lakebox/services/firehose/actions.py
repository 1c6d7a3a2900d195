"""Firehose operations, one function per operation (botocore's xform_name).
The work lives in the modules by topic; this module is the dispatch table."""
from lakebox.services.firehose.records import put_record, put_record_batch  # noqa: F401
from lakebox.services.firehose.streams import (  # noqa: F401
    create_delivery_stream, delete_delivery_stream, describe_delivery_stream, list_delivery_streams,
    start_delivery_stream_encryption, stop_delivery_stream_encryption, update_destination)
from lakebox.services.firehose.tagging import (  # noqa: F401
    list_tags_for_delivery_stream, tag_delivery_stream, untag_delivery_stream)
