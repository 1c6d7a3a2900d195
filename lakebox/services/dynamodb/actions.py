"""DynamoDB operations, one function per operation (botocore's xform_name).
The work lives in the modules by topic; this module is the dispatch table."""
from lakebox.services.dynamodb.items import delete_item, get_item, put_item, update_item  # noqa: F401
from lakebox.services.dynamodb.tables import (  # noqa: F401
    create_table, delete_table, describe_endpoints, describe_limits, describe_table, list_tables, update_table)
from lakebox.services.dynamodb.tagging import list_tags_of_resource, tag_resource, untag_resource  # noqa: F401
from lakebox.services.dynamodb.ttl import describe_time_to_live, update_time_to_live  # noqa: F401
from lakebox.services.dynamodb.reads import query, scan  # noqa: F401
from lakebox.services.dynamodb.batches import batch_get_item, batch_write_item  # noqa: F401
from lakebox.services.dynamodb.transactions import transact_get_items, transact_write_items  # noqa: F401
from lakebox.services.dynamodb.destinations import (  # noqa: F401
    describe_kinesis_streaming_destination, disable_kinesis_streaming_destination,
    enable_kinesis_streaming_destination, update_kinesis_streaming_destination)
from lakebox.services.dynamodb.backups import (  # noqa: F401
    create_backup, delete_backup, describe_backup, describe_continuous_backups, list_backups,
    restore_table_from_backup, restore_table_to_point_in_time, update_continuous_backups)
from lakebox.services.dynamodb.exports import (  # noqa: F401
    describe_export, export_table_to_point_in_time, list_exports)
from lakebox.services.dynamodb.imports import describe_import, import_table, list_imports  # noqa: F401
from lakebox.services.dynamodb.partiql import (  # noqa: F401
    batch_execute_statement, execute_statement, execute_transaction)
from lakebox.services.dynamodb.policies import (  # noqa: F401
    delete_resource_policy, get_resource_policy, put_resource_policy)
from lakebox.services.dynamodb.insights import (  # noqa: F401
    describe_contributor_insights, list_contributor_insights, update_contributor_insights)
from lakebox.services.dynamodb.global_tables import (  # noqa: F401
    create_global_table, describe_global_table, list_global_tables, update_global_table)
from lakebox.services.dynamodb.settings import (  # noqa: F401
    describe_global_table_settings, describe_table_replica_auto_scaling, update_global_table_settings,
    update_table_replica_auto_scaling)
