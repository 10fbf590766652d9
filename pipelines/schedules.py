"""Schedules: a daily refresh of silver/gold and a nightly maintenance job per Delta table."""

from __future__ import annotations

import dagster as dg

from pipelines.jobs import MAINTAINED_TABLES, gold_refresh_job, job_suffix, maintenance_jobs

TIMEZONE = "UTC"
REFRESH_CRON = "0 5 * * *"  # 05:00 UTC, after the night's maintenance


def maintenance_cron(i: int) -> str:
    """Nightly from 02:00 UTC, tables 6 minutes apart so they never compete for I/O."""
    minute = 6 * i
    return f"{minute % 60} {2 + minute // 60} * * *"


gold_daily_refresh = dg.ScheduleDefinition(
    name="gold_daily_refresh",
    job=gold_refresh_job,
    cron_schedule=REFRESH_CRON,
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Rebuild silver and gold from bronze once a day (new taxonomy/extractor versions included).",
)

maintenance_schedules = [
    dg.ScheduleDefinition(
        name=f"maintenance__{job_suffix(table)}",
        job=maintenance_jobs[table],
        cron_schedule=maintenance_cron(i),
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Nightly compaction, checkpoint and vacuum of {table}.",
    )
    for i, table in enumerate(MAINTAINED_TABLES)
]

schedules = [gold_daily_refresh, *maintenance_schedules]
