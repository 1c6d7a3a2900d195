"""S3 operations, one function per operation (botocore's xform_name). The work lives in
the modules by resource (buckets, settings, objects, copies, multipart, listings); this
module is the dispatch table."""
from lakebox.services.s3.buckets import (  # noqa: F401
    create_bucket, delete_bucket, get_bucket_location, head_bucket, list_buckets, list_directory_buckets)
from lakebox.services.s3.bucket_config import (  # noqa: F401
    delete_bucket_analytics_configuration, delete_bucket_encryption,
    delete_bucket_intelligent_tiering_configuration, delete_bucket_inventory_configuration,
    delete_bucket_metrics_configuration, delete_bucket_ownership_controls, delete_bucket_tagging,
    delete_bucket_website, delete_public_access_block, get_bucket_abac, get_bucket_accelerate_configuration,
    get_bucket_analytics_configuration, get_bucket_encryption, get_bucket_intelligent_tiering_configuration,
    get_bucket_inventory_configuration, get_bucket_metrics_configuration, get_bucket_ownership_controls,
    get_bucket_request_payment, get_bucket_tagging, get_bucket_versioning, get_bucket_website,
    get_object_lock_configuration, get_public_access_block, list_bucket_analytics_configurations,
    list_bucket_intelligent_tiering_configurations, list_bucket_inventory_configurations,
    list_bucket_metrics_configurations, put_bucket_abac, put_bucket_accelerate_configuration,
    put_bucket_analytics_configuration, put_bucket_encryption, put_bucket_intelligent_tiering_configuration,
    put_bucket_inventory_configuration, put_bucket_metrics_configuration, put_bucket_ownership_controls,
    put_bucket_request_payment, put_bucket_tagging, put_bucket_versioning, put_bucket_website,
    put_object_lock_configuration, put_public_access_block)
from lakebox.services.s3.bucket_rules import (  # noqa: F401
    delete_bucket_cors, delete_bucket_lifecycle, delete_bucket_policy, delete_bucket_replication,
    get_bucket_cors, get_bucket_lifecycle, get_bucket_lifecycle_configuration, get_bucket_logging,
    get_bucket_notification, get_bucket_notification_configuration, get_bucket_policy,
    get_bucket_policy_status, get_bucket_replication, put_bucket_cors, put_bucket_lifecycle,
    put_bucket_lifecycle_configuration, put_bucket_logging, put_bucket_notification,
    put_bucket_notification_configuration, put_bucket_policy, put_bucket_replication)
from lakebox.services.s3.acl import (  # noqa: F401
    get_bucket_acl, get_object_acl, put_bucket_acl, put_object_acl)
from lakebox.services.s3.objects import (  # noqa: F401
    delete_object, delete_objects, get_object, head_object, put_object)
from lakebox.services.s3.object_config import (  # noqa: F401
    delete_object_tagging, get_object_attributes, get_object_legal_hold, get_object_retention,
    get_object_tagging, put_object_legal_hold, put_object_retention, put_object_tagging)
from lakebox.services.s3.restores import restore_object  # noqa: F401
from lakebox.services.s3.copy import copy_object, upload_part_copy  # noqa: F401
from lakebox.services.s3.multipart import (  # noqa: F401
    abort_multipart_upload, complete_multipart_upload, create_multipart_upload, list_multipart_uploads,
    list_parts, upload_part)
from lakebox.services.s3.listing import list_object_versions, list_objects, list_objects_v2  # noqa: F401
from lakebox.services.s3.select import select_object_content  # noqa: F401
