"""SQS operations, one function per operation (botocore's xform_name). The work lives
in the modules by topic; this module is the dispatch table."""
from lakebox.services.sqs.inflight import (  # noqa: F401
    change_message_visibility, change_message_visibility_batch, delete_message, delete_message_batch)
from lakebox.services.sqs.moves import (  # noqa: F401
    cancel_message_move_task, list_message_move_tasks, start_message_move_task)
from lakebox.services.sqs.permissions import add_permission, remove_permission  # noqa: F401
from lakebox.services.sqs.queues import (  # noqa: F401
    create_queue, delete_queue, get_queue_attributes, get_queue_url, list_dead_letter_source_queues, list_queues,
    purge_queue, set_queue_attributes)
from lakebox.services.sqs.receiving import receive_message  # noqa: F401
from lakebox.services.sqs.sending import send_message, send_message_batch  # noqa: F401
from lakebox.services.sqs.tagging import list_queue_tags, tag_queue, untag_queue  # noqa: F401
