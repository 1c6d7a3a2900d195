"""Crawlers: create, read, list, update, delete, start and stop, metrics and crawl
history. A crawler's state moves READY -> RUNNING -> STOPPING -> READY; the crawl
itself runs off the event loop (`runner.py`) and is in `crawl.py`."""
import datetime
import json
import re
import statistics as stats
import uuid

from lakebox.aws.specs import spec_for
from lakebox.services.glue import catalog, runner, schedules, store, tagging
from lakebox.services.s3 import public as s3
from lakebox.services.glue.errors import (
    AlreadyExistsException, CrawlerNotRunningException, CrawlerRunningException, CrawlerStoppingException,
    EntityNotFoundException, InvalidInputException, NoScheduleException, SchedulerNotRunningException,
    SchedulerRunningException)

GET_CRAWLERS_MAX = 1000
LIST_CRAWLS_MAX = 1000
_SETTINGS = ("Role", "DatabaseName", "Description", "Targets", "Classifiers", "RecrawlPolicy", "SchemaChangePolicy",
             "LineageConfiguration", "TablePrefix", "Configuration", "CrawlerSecurityConfiguration",
             "LakeFormationConfiguration")
DEFAULTS = {"SchemaChangePolicy": {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "DEPRECATE_IN_DATABASE"},
            "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_EVERYTHING"},
            "LineageConfiguration": {"CrawlerLineageSettings": "DISABLE"},
            "LakeFormationConfiguration": {"UseLakeFormationCredentials": False, "AccountId": ""}}
TARGET_KINDS = tuple(spec_for("glue").model.shape_for("CrawlerTargets").members)


def crawler_or_error(ctx, name: str, message: str = "Crawler entry with name {} does not exist") -> dict:
    found = store.get_named(ctx.state.db, "crawlers", ctx.account, ctx.region, name)
    if found is None:
        raise EntityNotFoundException(message.format(name))
    return found


def state_of(doc: dict, now: float) -> str:
    """READY, RUNNING or STOPPING. A crawl that has ended stays STOPPING until its stored
    `_ready_at` (its end plus the server's `--transition-delay`, 0 by default)."""
    if doc["State"] == "READY" and now < doc.get("_ready_at", 0.0):
        return "STOPPING"
    return doc["State"]


def public_view(doc: dict, now: float) -> dict:
    """The Crawler shape: the stored document without lakebox's own bookkeeping, with
    the derived state and the running crawl's elapsed time (milliseconds)."""
    view = {key: value for key, value in doc.items() if not key.startswith("_")}
    view["State"] = state_of(doc, now)
    if "Role" in view:      # a role given by ARN is answered by its name (path included)
        view["Role"] = re.sub(r"^arn:aws[\w-]*:iam::\d{12}:role/", "", view["Role"])
    view["Targets"] = _targets_view(doc.get("Targets") or {})
    if doc.get("_crawl"):
        view["CrawlElapsedTime"] = int(max(now - doc["_crawl"]["StartTime"], 0.0) * 1000)
    return view


def _targets_view(targets: dict) -> dict:
    """Targets as GetCrawler answers them: every kind of target listed, empty when
    unused, and each S3 target with its Exclusions (recorded GetCrawler replies)."""
    view = {kind: list(targets.get(kind) or []) for kind in TARGET_KINDS}
    view["S3Targets"] = [{"Path": t["Path"], "Exclusions": [], **t} for t in view["S3Targets"]]
    return view


# Glue's words, as captures of real Glue recorded them (radkawar/stackd
# testdata/aws/glue/controls.json and controls_native.json): without a DatabaseName a
# crawler with no catalog target is refused first, even with no targets at all.
NO_DATABASE = ("You must provide the DatabaseName parameter when you specify a non-catalog targeted crawler. "
               "Specify the parameter.")


def _check_settings(params, current=None):
    targets = params.get("Targets") or (current or {}).get("Targets") or {}
    database = params.get("DatabaseName") or (current or {}).get("DatabaseName")
    if any(targets.get(kind) for kind in TARGET_KINDS if kind != "CatalogTargets") and not database:
        raise InvalidInputException(NO_DATABASE)
    if params.get("Configuration"):
        _check_configuration(params["Configuration"])
    _check_target_settings(targets, params.get("RecrawlPolicy") or (current or {}).get("RecrawlPolicy") or {})
    for target in targets.get("CatalogTargets") or []:
        if not target.get("Tables"):
            raise InvalidInputException("Catalog target must specify at least one table")
    if params.get("Schedule"):
        schedules.parse(params["Schedule"])
    # the crawler as it will be: an update that names one policy keeps the other it has
    recrawl = (params.get("RecrawlPolicy") or (current or {}).get("RecrawlPolicy") or {}).get("RecrawlBehavior")
    policy = params.get("SchemaChangePolicy") or (current or {}).get("SchemaChangePolicy") or \
        DEFAULTS["SchemaChangePolicy"]
    if recrawl == "CRAWL_NEW_FOLDERS_ONLY" and (policy.get("UpdateBehavior") != "LOG"
                                                or policy.get("DeleteBehavior") != "LOG"):
        raise InvalidInputException(
            "The SchemaChangePolicy for \"Crawl new folders only\" Amazon S3 target can have only LOG "
            "DeleteBehavior value and LOG UpdateBehavior value.")


def _check_s3_targets(ctx, targets: dict):
    """CreateCrawler looks at each S3 target's bucket: one that does not exist is refused
    with S3's 404 quoted (radkawar/stackd testdata/aws/glue/controls_complete.json
    create-crawler; the request ids are S3's own, made up here)."""
    for target in targets.get("S3Targets") or []:
        path = target.get("Path") or ""
        bucket = path.removeprefix("s3://").partition("/")[0] if path.startswith("s3://") else ""
        if bucket and not s3.bucket_exists(ctx.state, bucket):
            request_id = uuid.uuid4().hex[:16].upper()
            extended = uuid.uuid4().hex + uuid.uuid4().hex[:8]
            raise InvalidInputException(
                f"Unable to validate s3 target {path} because: Not Found (Service: Amazon S3; Status Code: 404; "
                f"Error Code: 404 Not Found; Request ID: {request_id}; S3 Extended Request ID: {extended}; "
                "Proxy: null)")


def _check_target_settings(targets: dict, recrawl: dict):
    """What each kind of target needs: a connection for JDBC and MongoDB stores, a
    DynamoDB scan rate from 0.1 to 1.5 (DynamoDBTarget, API reference), an S3 event
    queue for an event-mode crawler (CrawlerTargets, S3Target.EventQueueArn)."""
    for kind in ("JdbcTargets", "MongoDBTargets"):
        if any(not target.get("ConnectionName") for target in targets.get(kind) or []):
            raise InvalidInputException("Connection name cannot be equal to null or empty.")
    for target in targets.get("DynamoDBTargets") or []:
        rate = target.get("scanRate")
        if rate is not None and not 0.1 <= rate <= 1.5:
            raise InvalidInputException("Invalid scan rate value. Valid values are between 0.1 to 1.5")
    if recrawl.get("RecrawlBehavior") == "CRAWL_EVENT_MODE" and \
            not any(target.get("EventQueueArn") for target in targets.get("S3Targets") or []):
        raise InvalidInputException("Event queue ARN is required when event crawler is selected.")


def _check_configuration(text: str):
    """Configuration is a versioned JSON object: its Version a number (the Developer
    Guide's "Customizing crawler behavior" examples all say "Version": 1.0)."""
    try:
        configuration = json.loads(text)
    except ValueError:
        configuration = None
    if not isinstance(configuration, dict):
        raise InvalidInputException("Crawler configuration not valid: Error parsing JSON")
    if "Version" not in configuration:
        raise InvalidInputException("Crawler configuration not valid: Crawler configuration missing required key: "
                                    "Version.")
    version = configuration["Version"]
    if isinstance(version, bool) or not isinstance(version, (int, float)):
        raise InvalidInputException("Crawler configuration not valid: Version type invalid: expected Double, "
                                    f"received {_json_type(version)}")


def _json_type(value) -> str:
    return {str: "String", bool: "Boolean", list: "Array", dict: "Object"}.get(type(value), "Null")


def create_crawler(ctx, params):
    name = params["Name"]
    db = ctx.state.db
    if store.get_named(db, "crawlers", ctx.account, ctx.region, name) is not None:
        raise AlreadyExistsException(f"{ctx.account}:{name} already exists")
    if not params.get("DatabaseName") and not params["Targets"].get("CatalogTargets"):
        raise InvalidInputException(NO_DATABASE)
    if not any(params["Targets"].get(kind) for kind in TARGET_KINDS):
        raise InvalidInputException("Targets are not defined")
    _check_settings(params)
    _check_s3_targets(ctx, params["Targets"])
    tagging.check_tags(params.get("Tags") or {})
    doc = {key: params[key] for key in _SETTINGS if params.get(key) is not None}
    for key, value in DEFAULTS.items():
        doc.setdefault(key, value)
    doc.setdefault("Classifiers", [])
    doc.update(Name=name, State="READY", CrawlElapsedTime=0, CreationTime=ctx.now, LastUpdated=ctx.now, Version=1,
               _metrics={"TablesCreated": 0, "TablesUpdated": 0, "TablesDeleted": 0, "Runtimes": []})
    if params.get("Schedule"):
        doc["Schedule"] = {"ScheduleExpression": params["Schedule"], "State": "SCHEDULED"}
    with db.transaction():
        store.put_named(db, "crawlers", ctx.account, ctx.region, name, doc)
        tagging.tag_new(ctx, catalog.arn(ctx, "crawler", name), params.get("Tags"))
    ctx.state.scheduler.poke("glue")
    return {}


def get_crawler(ctx, params):
    return {"Crawler": public_view(crawler_or_error(ctx, params["Name"]), ctx.now)}


def get_crawlers(ctx, params):
    docs = store.all_named(ctx.state.db, "crawlers", ctx.account, ctx.region)
    page, token = catalog.list_page(docs, params, GET_CRAWLERS_MAX, key=catalog.name_of)
    return {"Crawlers": [public_view(d, ctx.now) for d in page], "NextToken": token}


def list_crawlers(ctx, params):
    names = [d["Name"] for d in store.all_named(ctx.state.db, "crawlers", ctx.account, ctx.region)]
    page, token = catalog.list_page(tagging.tagged(ctx, "crawler", names, params.get("Tags")), params,
                                    GET_CRAWLERS_MAX, key=str)
    return {"CrawlerNames": page, "NextToken": token}


def batch_get_crawlers(ctx, params):
    found, missing = [], []
    for name in params["CrawlerNames"]:
        doc = store.get_named(ctx.state.db, "crawlers", ctx.account, ctx.region, name)
        if doc is None:
            missing.append(name)
        else:
            found.append(public_view(doc, ctx.now))
    return {"Crawlers": found, "CrawlersNotFound": missing}


def update_crawler(ctx, params):
    doc = crawler_or_error(ctx, params["Name"])
    if state_of(doc, ctx.now) != "READY":      # AWS answers this with InvalidInputException, not CrawlerRunning
        raise InvalidInputException(
            "Cannot update Crawler while running. Please stop crawl or wait until it completes to update.")
    _check_settings(params, doc)
    for key in _SETTINGS:
        if params.get(key) is not None:
            doc[key] = params[key]
    if params.get("Schedule") is not None:
        doc["Schedule"] = {"ScheduleExpression": params["Schedule"],
                           "State": (doc.get("Schedule") or {}).get("State", "SCHEDULED")}
    doc.update(LastUpdated=ctx.now, Version=doc["Version"] + 1)
    store.put_named(ctx.state.db, "crawlers", ctx.account, ctx.region, doc["Name"], doc)
    ctx.state.scheduler.poke("glue")
    return {}


def delete_crawler(ctx, params):
    doc = crawler_or_error(ctx, params["Name"])
    if state_of(doc, ctx.now) != "READY":
        raise CrawlerRunningException(f"Crawler with name {doc['Name']} is running and cannot be deleted.")
    db = ctx.state.db
    with db.transaction():
        store.delete_named(db, "crawlers", ctx.account, ctx.region, doc["Name"])
        store.delete_crawls(db, ctx.account, ctx.region, doc["Name"])
        store.drop_tags(db, ctx.account, ctx.region, catalog.arn(ctx, "crawler", doc["Name"]))
    return {}


# ---------------------------------------------------------------------------
# Running


def start_crawler(ctx, params):
    with ctx.state.db.transaction():     # one start wins when two race
        doc = crawler_or_error(ctx, params["Name"], "Crawler with name {} does not exist")
        if state_of(doc, ctx.now) != "READY":
            raise CrawlerRunningException(f"Crawler with name {doc['Name']} has already started")
        begin_crawl(ctx.state, ctx.account, ctx.region, doc, ctx.now)
    return {}


def begin_crawl(state, account, region, doc: dict, now: float, marks: dict | None = None) -> str:
    """Mark the crawler RUNNING with a new crawl, then hand the crawl to the runner;
    `marks` (the trigger or workflow run that started it) stay with the crawl until it
    ends. Returns the crawl's id."""
    crawl_id = str(uuid.uuid4())
    doc.update(State="RUNNING", _crawl={"CrawlId": crawl_id, "StartTime": now, **(marks or {})})
    db = state.db
    with db.transaction():
        store.put_named(db, "crawlers", account, region, doc["Name"], doc)
        store.put_crawl(db, account, region, doc["Name"], crawl_id,
                        {"CrawlId": crawl_id, "State": "RUNNING", "StartTime": now, "LogGroup": "/aws-glue/crawlers",
                         "LogStream": doc["Name"], "MessagePrefix": crawl_id})
    runner.start(state, account, region, doc["Name"], crawl_id)
    return crawl_id


def stop_crawler(ctx, params):
    with ctx.state.db.transaction():     # the crawl's own ending writes the same row
        doc = crawler_or_error(ctx, params["Name"])
        state = state_of(doc, ctx.now)
        if state == "READY":
            raise CrawlerNotRunningException(f"Crawler with name {doc['Name']} is not running")
        if state == "STOPPING":
            raise CrawlerStoppingException(f"Crawler with name {doc['Name']} is stopping.")
        doc["State"] = "STOPPING"
        store.put_named(ctx.state.db, "crawlers", ctx.account, ctx.region, doc["Name"], doc)
    runner.cancel(ctx.state, ctx.account, ctx.region, doc["Name"])
    return {}


def get_crawler_metrics(ctx, params):
    names = params.get("CrawlerNameList")
    docs = store.all_named(ctx.state.db, "crawlers", ctx.account, ctx.region)
    if names:
        docs = [d for d in docs if d["Name"] in names]
    page, token = catalog.list_page(docs, params, GET_CRAWLERS_MAX, key=catalog.name_of)
    return {"CrawlerMetricsList": [_metrics(ctx, d) for d in page], "NextToken": token}


def _metrics(ctx, doc) -> dict:
    metrics = doc["_metrics"]
    runtimes = metrics["Runtimes"]
    median = stats.median(runtimes) if runtimes else 0.0
    running = doc["State"] != "READY"      # a crawl that has ended has nothing left to estimate
    left = max(median - (ctx.now - doc["_crawl"]["StartTime"]), 0.0) if running and runtimes else 0.0
    return {"CrawlerName": doc["Name"], "TimeLeftSeconds": left, "StillEstimating": running and not runtimes,
            "LastRuntimeSeconds": runtimes[-1] if runtimes else 0.0, "MedianRuntimeSeconds": median,
            "TablesCreated": metrics["TablesCreated"], "TablesUpdated": metrics["TablesUpdated"],
            "TablesDeleted": metrics["TablesDeleted"]}


def list_crawls(ctx, params):
    doc = crawler_or_error(ctx, params["CrawlerName"])
    crawls = [{k: v for k, v in c.items() if not k.startswith("_")}
              for c in store.crawls(ctx.state.db, ctx.account, ctx.region, doc["Name"])]
    for wanted in params.get("Filters") or []:
        crawls = [c for c in crawls if _crawl_matches(c, wanted)]
    page, token = catalog.list_page(crawls, params, LIST_CRAWLS_MAX)
    return {"Crawls": page, "NextToken": token}


_FIELDS = {"CRAWL_ID": "CrawlId", "STATE": "State", "START_TIME": "StartTime", "END_TIME": "EndTime",
           "DPU_HOUR": "DPUHour"}


def _crawl_matches(crawl: dict, wanted: dict) -> bool:
    key = _FIELDS.get(wanted.get("FieldName"))
    value, operator = wanted.get("FieldValue"), wanted.get("FilterOperator", "EQ")
    if key is None or value is None:
        return True
    have = crawl.get(key)
    if have is None:
        return False
    if key in ("StartTime", "EndTime", "DPUHour"):
        value = _number_or_time(value)
    checks = {"EQ": have == value, "NE": have != value, "GT": have > value, "GE": have >= value,
              "LT": have < value, "LE": have <= value}
    return checks.get(operator, True)


# ---------------------------------------------------------------------------
# Schedules


def update_crawler_schedule(ctx, params):
    with ctx.state.db.transaction():
        doc = crawler_or_error(ctx, params["CrawlerName"])
        if params.get("Schedule"):
            schedules.parse(params["Schedule"])
            doc["Schedule"] = {"ScheduleExpression": params["Schedule"],
                               "State": (doc.get("Schedule") or {}).get("State", "SCHEDULED")}
        else:
            doc.pop("Schedule", None)
        doc.update(LastUpdated=ctx.now, _scheduled_after=ctx.now)
        store.put_named(ctx.state.db, "crawlers", ctx.account, ctx.region, doc["Name"], doc)
    ctx.state.scheduler.poke("glue")
    return {}


def _set_schedule_state(ctx, name: str, wanted: str):
    with ctx.state.db.transaction():
        doc = crawler_or_error(ctx, name)
        schedule = doc.get("Schedule")
        if not schedule:
            raise NoScheduleException(f"Crawler with name {name} has no schedule.")
        if schedule["State"] == wanted:
            if wanted == "SCHEDULED":
                raise SchedulerRunningException(f"Schedule of crawler {name} is already running.")
            raise SchedulerNotRunningException(f"Schedule of crawler {name} is not running.")
        schedule["State"] = wanted
        doc["_scheduled_after"] = ctx.now
        store.put_named(ctx.state.db, "crawlers", ctx.account, ctx.region, name, doc)
    ctx.state.scheduler.poke("glue")


def start_crawler_schedule(ctx, params):
    _set_schedule_state(ctx, params["CrawlerName"], "SCHEDULED")
    return {}


def stop_crawler_schedule(ctx, params):
    _set_schedule_state(ctx, params["CrawlerName"], "NOT_SCHEDULED")
    return {}


def _number_or_time(text: str) -> float:
    """A filter value for a time or DPU-hour field: a number (epoch seconds for times)
    or an ISO 8601 time."""
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputException(f"Invalid filter value: {text}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()
