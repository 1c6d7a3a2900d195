"""Job definitions: stored, listed, updated and deleted as Glue keeps them. Their runs
are in `job_runs.py`."""
from lakebox.services.glue import catalog, store, tagging
from lakebox.services.glue.errors import IdempotentParameterMismatchException

KIND = "job"
LIST_MAX = 1000
_NOT_DEFINITION = ("Name", "Tags")
# What Glue fills in a job definition that leaves them out: the get-job example of the
# aws cli's Glue reference answers "ExecutionProperty": {"MaxConcurrentRuns": 1} and
# "MaxRetries": 0 for a job created without them.
DEFAULTS = {"ExecutionProperty": {"MaxConcurrentRuns": 1}, "MaxRetries": 0}


def _job_or_error(ctx, name: str) -> dict:
    return catalog.object_or_error(ctx, KIND, "", name, f"Job with name: {name} not found.")


def job_view(doc: dict) -> dict:
    """The Job shape as GetJob answers it: what Glue reports for settings the definition
    left out (a recorded GetJob of a Python shell job created without them: JobMode SCRIPT,
    JobRunQueuingEnabled false, AllocatedCapacity 0 beside MaxCapacity 0.0625, GlueVersion
    6.0)."""
    view = {"JobMode": "SCRIPT", "JobRunQueuingEnabled": False, **doc}
    if "MaxCapacity" in view and "AllocatedCapacity" not in view:
        view["AllocatedCapacity"] = int(view["MaxCapacity"])
    if (view.get("Command") or {}).get("Name") == "pythonshell":
        view.setdefault("GlueVersion", "6.0")
    return view


def _definition(fields: dict) -> dict:
    """The definition to keep: the given fields over Glue's defaults."""
    given = {key: value for key, value in fields.items() if key not in _NOT_DEFINITION}
    kept = {**DEFAULTS, **given}
    kept["ExecutionProperty"] = {**DEFAULTS["ExecutionProperty"], **kept["ExecutionProperty"]}
    return kept


def _stored_definition(doc: dict) -> dict:
    return {key: value for key, value in doc.items() if key not in ("Name", "CreatedOn", "LastModifiedOn")}


def create_job(ctx, params):
    """A second CreateJob with the same definition is a retry and succeeds (Glue's
    CreateJob is idempotent); a different definition under the name is refused."""
    name = params["Name"]
    definition = _definition(params)
    existing = store.get_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name)
    if existing is not None:
        if _stored_definition(existing) != definition:
            raise IdempotentParameterMismatchException("Job already submitted with different configuration.")
        return {"Name": name}
    tagging.check_tags(params.get("Tags") or {})
    with ctx.state.db.transaction():
        store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name,
                         {"Name": name, **definition, "CreatedOn": ctx.now, "LastModifiedOn": ctx.now})
        tagging.tag_new(ctx, catalog.arn(ctx, "job", name), params.get("Tags"))
    return {"Name": name}


def get_job(ctx, params):
    return {"Job": job_view(catalog.object_or_error(ctx, KIND, "", params["JobName"], "Job not found."))}


def get_jobs(ctx, params):
    docs = [doc for _, _, doc in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, "")]
    page, token = catalog.list_page(docs, params, LIST_MAX, key=catalog.name_of)
    return {"Jobs": [job_view(doc) for doc in page], "NextToken": token}


def list_jobs(ctx, params):
    names = [name for _, name, _ in store.objects(ctx.state.db, ctx.account, ctx.region, KIND, "")]
    page, token = catalog.list_page(tagging.tagged(ctx, "job", names, params.get("Tags")), params, LIST_MAX,
                                    key=str)
    return {"JobNames": page, "NextToken": token}


def batch_get_jobs(ctx, params):
    found, missing = catalog.batch_get(ctx, KIND, params["JobNames"], job_view)
    return {"Jobs": found, "JobsNotFound": missing}


def update_job(ctx, params):
    """The update replaces the whole definition, as Glue documents."""
    name = params["JobName"]
    current = _job_or_error(ctx, name)
    store.put_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name,
                     {"Name": name, **_definition(params["JobUpdate"]),
                      "CreatedOn": current["CreatedOn"], "LastModifiedOn": ctx.now})
    return {"JobName": name}


def delete_job(ctx, params):
    """Deleting a job that does not exist is not an error (Glue throws no exception)."""
    name = params["JobName"]
    with ctx.state.db.transaction():
        store.delete_object(ctx.state.db, ctx.account, ctx.region, KIND, "", name)
        store.drop_tags(ctx.state.db, ctx.account, ctx.region, catalog.arn(ctx, "job", name))
    return {"JobName": name}
