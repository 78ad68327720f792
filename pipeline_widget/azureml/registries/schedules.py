"""Schedules of published pipelines, kept in the workspace, and when each is due: a
recurrence (every N minutes, hours, days, weeks or months, optionally at given hours and
minutes of chosen week days) or a datastore folder to watch for new or changed files.
`pipeline-widget schedules run-due`, from cron or a systemd timer, runs the due ones."""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from ...core.errors import PipelineError
from ...core.workspace import Workspace
from . import table

NAME = "schedules"
FREQUENCIES = {"Minute": 60, "Hour": 3600, "Day": 86400, "Week": 7 * 86400}
MONTH = "Month"
WEEK_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def check_recurrence(r: dict[str, Any]) -> dict[str, Any]:
    """The recurrence, refused with the fix when v1 would refuse it."""
    if r.get("frequency") not in (*FREQUENCIES, MONTH):
        raise PipelineError(f"ScheduleRecurrence: frequency {r.get('frequency')!r} is not one "
                            f"of {', '.join([*FREQUENCIES, MONTH])}")
    interval = r.get("interval")
    if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
        raise PipelineError(f"ScheduleRecurrence: interval must be a whole number from 1, not "
                            f"{interval!r}")
    for day in r.get("week_days") or []:
        if day not in WEEK_DAYS:
            raise PipelineError(f"ScheduleRecurrence: week day {day!r} is not one of "
                                f"{', '.join(WEEK_DAYS)}")
    for key, top in (("hours", 23), ("minutes", 59)):
        for v in r.get(key) or []:
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= top:
                raise PipelineError(f"ScheduleRecurrence: {key} must be whole numbers from 0 "
                                    f"to {top}, not {v!r}")
    return r


def _timestamp(value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.timestamp()
    try:
        return dt.datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        raise PipelineError(f"ScheduleRecurrence: start_time {value!r} is not a date and time; "
                            f"give e.g. '2024-01-31T06:00:00'") from None


def _add_months(t: float, months: int) -> float:
    d = dt.datetime.fromtimestamp(t)
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
                      31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1])
    return d.replace(year=year, month=month, day=day).timestamp()


def _slots_match(r: dict[str, Any]) -> bool:
    return bool(r.get("hours") or r.get("minutes") or r.get("week_days"))


def _last_slot(r: dict[str, Any], now: float) -> float | None:
    """The latest time at or before `now` that the hours, minutes and week days name."""
    hours = r.get("hours") or (list(range(24)) if r["frequency"] in ("Minute", "Hour")
                               else [0])
    minutes = r.get("minutes") or [0]
    days = set(r.get("week_days") or WEEK_DAYS)
    day = dt.datetime.fromtimestamp(now).replace(second=0, microsecond=0)
    for back in range(0, 8):
        d = day - dt.timedelta(days=back)
        if WEEK_DAYS[d.weekday()] not in days:
            continue
        for h in sorted(hours, reverse=True):
            for m in sorted(minutes, reverse=True):
                slot = d.replace(hour=h, minute=m).timestamp()
                if slot <= now:
                    return slot
    return None


def due_by_recurrence(entry: dict[str, Any], now: float) -> bool:
    r = entry["recurrence"]
    start = _timestamp(r.get("start_time"))
    last = entry.get("last_run_time")
    if start is not None and now < start:
        return False
    if _slots_match(r):
        slot = _last_slot(r, now)
        since = last if last is not None else (start or entry["created"])
        return slot is not None and slot > since - (0 if last is not None else 60)
    if last is None:
        return True
    if r["frequency"] == MONTH:
        return now >= _add_months(last, r["interval"])
    return now >= last + FREQUENCIES[r["frequency"]] * r["interval"]


def changed_files(entry: dict[str, Any], root: Path) -> list[Path]:
    """Files under the watched folder added or changed since the last check."""
    from ...core.containment import inside

    since = entry.get("last_check") or entry["created"]
    within = str(entry.get("path_on_datastore") or "").strip("/")
    folder = inside(root, within, f"schedule {entry.get('name')!r} path_on_datastore "
                                  f"{within!r}") if within else root
    if not folder.exists():
        return []
    files = [folder] if folder.is_file() else [p for p in folder.rglob("*") if p.is_file()]
    return sorted(p for p in files if max(os.stat(p).st_mtime, os.stat(p).st_ctime) > since)


def add(workspace: Workspace, entry: dict[str, Any]) -> dict[str, Any]:
    from .pipelines import new_id

    entry = {"id": new_id(), "created": time.time(), "status": "Active", "runs": [], **entry}
    with table.change(workspace, NAME) as items:
        if any(e["name"] == entry["name"] and e.get("status") == "Active"
               for e in items.values()):
            raise PipelineError(f"an active schedule named {entry['name']!r} exists; disable "
                                f"it first or choose another name")
        items[entry["id"]] = entry
    return entry


def get(workspace: Workspace, key: str) -> dict[str, Any]:
    items = table.read(workspace, NAME)
    found = items.get(key) or next((e for e in items.values() if e["name"] == key), None)
    if found is None:
        raise PipelineError(f"no schedule {key!r} in {workspace.root}; list them with "
                            f"`pipeline-widget schedules`")
    return found


def all_of(workspace: Workspace) -> list[dict[str, Any]]:
    return sorted(table.read(workspace, NAME).values(), key=lambda e: e["created"])


def update(workspace: Workspace, key: str, **values: Any) -> dict[str, Any]:
    with table.change(workspace, NAME) as items:
        entry = items.get(key)
        if entry is None:
            raise PipelineError(f"no schedule {key!r}; list them with `pipeline-widget "
                                f"schedules`")
        entry.update(values)
        return dict(entry)


def claim_due(workspace: Workspace, now: float, watched_root: Any) -> list[dict[str, Any]]:
    """The active schedules due now, each marked as run (under the lock, so that two
    run-due processes never run one schedule twice); a watched datastore's changed files
    are named in the entry's "changed"."""
    claimed = []
    with table.change(workspace, NAME) as items:
        for entry in items.values():
            if entry.get("status") != "Active":
                continue
            if entry.get("datastore"):
                changed = changed_files(entry, watched_root(entry["datastore"]))
                entry["last_check"] = now
                if not changed:
                    continue
                claimed.append({**entry, "changed": [str(p) for p in changed]})
            elif entry.get("recurrence") and due_by_recurrence(entry, now):
                claimed.append(dict(entry))
            else:
                continue
            entry["last_run_time"] = now
    return claimed


def record_run(workspace: Workspace, schedule_id: str, run_id: str) -> None:
    with table.change(workspace, NAME) as items:
        if schedule_id in items:
            items[schedule_id].setdefault("runs", []).append(run_id)
