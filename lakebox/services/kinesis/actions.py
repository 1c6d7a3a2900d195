"""Kinesis Data Streams operations, one function per operation (botocore's xform_name).
The work lives in the modules by topic; this module is the dispatch table."""
from lakebox.services.kinesis.consumers import (  # noqa: F401
    deregister_stream_consumer, describe_stream_consumer, list_stream_consumers, register_stream_consumer,
    subscribe_to_shard)
from lakebox.services.kinesis.records import get_records, get_shard_iterator, put_record, put_records  # noqa: F401
from lakebox.services.kinesis.shards import list_shards, merge_shards, split_shard, update_shard_count  # noqa: F401
from lakebox.services.kinesis.streams import (  # noqa: F401
    create_stream, decrease_stream_retention_period, delete_stream, describe_account_settings, describe_limits,
    describe_stream, describe_stream_summary, disable_enhanced_monitoring, enable_enhanced_monitoring,
    increase_stream_retention_period, list_streams, start_stream_encryption, stop_stream_encryption,
    update_account_settings, update_max_record_size, update_stream_mode, update_stream_warm_throughput)
from lakebox.services.kinesis.tagging import (  # noqa: F401
    add_tags_to_stream, delete_resource_policy, get_resource_policy, list_tags_for_resource, list_tags_for_stream,
    put_resource_policy, remove_tags_from_stream, tag_resource, untag_resource)
