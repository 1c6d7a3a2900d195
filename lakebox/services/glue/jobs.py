"""Crawler timing with no request: scheduled crawls start when their cron fires, and
crawls cut short by a restart are picked up again (RUNNING ones run anew under the same
crawl id; STOPPING ones end as cancelled). Job runs end at their Timeout, or as failed when a
restart left them with no process (`job_runs.job_run_deadlines`); Data Quality runs likewise
(`dq_work.run_deadlines`)."""
from lakebox.services.glue import crawlers, dq_work, job_runs, runner, schedules, store, trigger_events


def crawler_schedules(state, now: float) -> float | None:
    """Scheduler job; the next deadline is the earliest next firing of any schedule."""
    deadlines = []
    for account, region, doc in store.every_named(state.db, "crawlers"):
        name = doc["Name"]
        if doc["State"] != "READY" and not runner.is_live(state, account, region, name):
            _resume(state, account, region, doc)
            continue
        schedule = doc.get("Schedule") or {}
        if schedule.get("State") != "SCHEDULED":
            continue
        since = doc.get("_scheduled_after", doc["LastUpdated"])
        fires, upcoming = schedules.due(schedule["ScheduleExpression"], since, now)
        if fires:
            _fire(state, account, region, name, now)
        if upcoming is not None:
            deadlines.append(upcoming)
    return min(deadlines, default=None)


def _fire(state, account, region, name, now):
    """Start the crawler, unless it is already running (that firing is skipped)."""
    with state.db.transaction():         # re-read: a crawl thread may have just ended
        doc = store.get_named(state.db, "crawlers", account, region, name)
        doc["_scheduled_after"] = now
        if crawlers.state_of(doc, now) == "READY":
            crawlers.begin_crawl(state, account, region, doc, now)
        else:
            store.put_named(state.db, "crawlers", account, region, name, doc)


def _resume(state, account, region, doc):
    crawl_id = doc["_crawl"]["CrawlId"]
    if doc["State"] == "STOPPING":
        runner.start(state, account, region, doc["Name"], crawl_id, already_stopped=True)
    else:
        runner.start(state, account, region, doc["Name"], crawl_id)


JOBS = {"glue-crawler-schedules": crawler_schedules,
        "glue-job-run-deadlines": job_runs.job_run_deadlines,
        "glue-trigger-schedules": trigger_events.trigger_schedules,
        "glue-data-quality-run-deadlines": dq_work.run_deadlines}
