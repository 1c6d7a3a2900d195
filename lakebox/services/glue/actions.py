"""Glue operations, one function per operation (botocore's xform_name).
The work lives in the modules by resource; this module is the dispatch table."""
from lakebox.services.glue.databases import (  # noqa: F401
    create_database, delete_database, get_database, get_databases, update_database)
from lakebox.services.glue.partition_indexes import (  # noqa: F401
    create_partition_index, delete_partition_index, get_partition_indexes)
from lakebox.services.glue.partitions import (  # noqa: F401
    batch_create_partition, batch_delete_partition, batch_get_partition, batch_update_partition, create_partition,
    delete_partition, get_partition, get_partitions, update_partition)
from lakebox.services.glue.tables import (  # noqa: F401
    batch_delete_table, batch_delete_table_version, create_table, delete_table, delete_table_version, get_table,
    get_table_version, get_table_versions, get_tables, update_table)
from lakebox.services.glue.tagging import get_tags, tag_resource, untag_resource  # noqa: F401
