"""Athena operations, one function per operation (botocore's xform_name).
The work lives in the modules by topic; this module is the dispatch table."""
from lakebox.services.athena.catalogs import (  # noqa: F401
    get_database, get_table_metadata, list_databases, list_table_metadata)
from lakebox.services.athena.data_catalogs import (  # noqa: F401
    create_data_catalog, delete_data_catalog, get_data_catalog, list_data_catalogs, update_data_catalog)
from lakebox.services.athena.named import (  # noqa: F401
    batch_get_named_query, batch_get_prepared_statement, create_named_query, create_prepared_statement,
    delete_named_query, delete_prepared_statement, get_named_query, get_prepared_statement, list_named_queries,
    list_prepared_statements, update_named_query, update_prepared_statement)
from lakebox.services.athena.queries import (  # noqa: F401
    batch_get_query_execution, get_query_execution, get_query_runtime_statistics, list_query_executions,
    start_query_execution, stop_query_execution)
from lakebox.services.athena.results import get_query_results  # noqa: F401
from lakebox.services.athena.tagging import list_tags_for_resource, tag_resource, untag_resource  # noqa: F401
from lakebox.services.athena.workgroups import (  # noqa: F401
    create_work_group, delete_work_group, get_work_group, list_engine_versions, list_work_groups, update_work_group)
