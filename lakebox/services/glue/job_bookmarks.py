"""Job bookmarks: GetJobBookmark and ResetJobBookmark.

A bookmark entry (Glue calls it a continuation) is written by a Spark ETL run's
GlueContext when the job runs with `--job-bookmark-option job-bookmark-enable` and the
script commits its Job. lakebox runs Python shell jobs only, whose scripts have no
GlueContext and write no bookmark (the `--job-bookmark-option` argument reaches the script
like any other), so no job ever has an entry: both operations answer as Glue answers for a
job that has none, whatever RunId is asked for. Glue's words for a job that exists but never
ran with bookmarks are recorded ("An error occurred (EntityNotFoundException) when calling
the ResetJobBookmark operation: Continuation for job <name> not found"); a job that does not
exist is answered the same way, since the entry, not the job, is what is looked up (no
recorded AWS reply for that case)."""
from lakebox.services.glue.errors import EntityNotFoundException


def _no_continuation(params):
    return EntityNotFoundException(f"Continuation for job {params['JobName']} not found")


def get_job_bookmark(ctx, params):
    raise _no_continuation(params)


def reset_job_bookmark(ctx, params):
    raise _no_continuation(params)
