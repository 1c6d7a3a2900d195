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
from lakebox.services.glue.crawlers import (  # noqa: F401
    batch_get_crawlers, create_crawler, delete_crawler, get_crawler, get_crawler_metrics, get_crawlers, list_crawlers,
    list_crawls, start_crawler, start_crawler_schedule, stop_crawler, stop_crawler_schedule, update_crawler,
    update_crawler_schedule)
from lakebox.services.glue.custom_classifiers import (  # noqa: F401
    create_classifier, delete_classifier, get_classifier, get_classifiers, update_classifier)
from lakebox.services.glue.connections import (  # noqa: F401
    batch_delete_connection, create_connection, delete_connection, get_connection, get_connections, update_connection)
from lakebox.services.glue.functions import (  # noqa: F401
    create_user_defined_function, delete_user_defined_function, get_user_defined_function,
    get_user_defined_functions, update_user_defined_function)
from lakebox.services.glue.search import search_tables  # noqa: F401
from lakebox.services.glue.settings import (  # noqa: F401
    create_security_configuration, delete_resource_policy, delete_security_configuration, get_catalog_import_status,
    get_data_catalog_encryption_settings, get_resource_policies, get_resource_policy, get_security_configuration,
    get_security_configurations, import_catalog_to_glue, put_data_catalog_encryption_settings, put_resource_policy)
from lakebox.services.glue.statistics import (  # noqa: F401
    delete_column_statistics_for_partition, delete_column_statistics_for_table, get_column_statistics_for_partition,
    get_column_statistics_for_table, update_column_statistics_for_partition, update_column_statistics_for_table)
from lakebox.services.glue.statistics_runs import (  # noqa: F401
    get_column_statistics_task_run, get_column_statistics_task_runs, list_column_statistics_task_runs,
    start_column_statistics_task_run, stop_column_statistics_task_run)
from lakebox.services.glue.job_definitions import (  # noqa: F401
    batch_get_jobs, create_job, delete_job, get_job, get_jobs, list_jobs, update_job)
from lakebox.services.glue.job_runs import (  # noqa: F401
    batch_stop_job_run, get_job_run, get_job_runs, start_job_run)
from lakebox.services.glue.job_bookmarks import get_job_bookmark, reset_job_bookmark  # noqa: F401
from lakebox.services.glue.schema_registry import (  # noqa: F401
    create_registry, create_schema, delete_registry, delete_schema, get_registry, get_schema, list_registries,
    list_schemas, update_registry, update_schema)
from lakebox.services.glue.schema_versions import (  # noqa: F401
    check_schema_version_validity, delete_schema_versions, get_schema_by_definition, get_schema_version,
    get_schema_versions_diff, list_schema_versions, put_schema_version_metadata, query_schema_version_metadata,
    register_schema_version, remove_schema_version_metadata)
from lakebox.services.glue.triggers import (  # noqa: F401
    batch_get_triggers, create_trigger, delete_trigger, get_trigger, get_triggers, list_triggers, start_trigger,
    stop_trigger, update_trigger)
from lakebox.services.glue.workflows import (  # noqa: F401
    batch_get_workflows, create_workflow, delete_workflow, get_workflow, get_workflow_run,
    get_workflow_run_properties, get_workflow_runs, list_workflows, put_workflow_run_properties,
    start_workflow_run, stop_workflow_run, update_workflow)
from lakebox.services.glue.dq_rulesets import (  # noqa: F401
    create_data_quality_ruleset, delete_data_quality_ruleset, get_data_quality_ruleset, list_data_quality_rulesets,
    update_data_quality_ruleset)
from lakebox.services.glue.dq_runs import (  # noqa: F401
    batch_get_data_quality_result, cancel_data_quality_ruleset_evaluation_run, get_data_quality_result,
    get_data_quality_ruleset_evaluation_run, list_data_quality_results, list_data_quality_ruleset_evaluation_runs,
    start_data_quality_ruleset_evaluation_run)
from lakebox.services.glue.dq_recommend import (  # noqa: F401
    cancel_data_quality_rule_recommendation_run, get_data_quality_rule_recommendation_run,
    list_data_quality_rule_recommendation_runs, start_data_quality_rule_recommendation_run)
