#!/usr/bin/env python3
"""figures.py --dir RUN_DIR ...: the figures of one contender run, as one JSON object on stdout.

RUN_DIR holds what bench/run recorded during the run:
  load.stamped     "SEEN_EPOCH id status millis" per write (bench/lib/stamp.py)
  statmon          "EPOCH TABLE_BYTES DATABASE_BYTES" samples of the old database (bench/lib/statmon)
  contender.log    the contender's output (stdout and stderr)
  manual.times     manual only: "STEP START END STATUS" per command (bench/manual-upgrade)
  report.json      pgupgrade only: `pgupgrade:report APP --format json --last run`
  check-writes.out `sandbox check-writes` output, its exit status passed as --check-rc
"""
import argparse
import json
import os
import re
import sys

SANDBOX_BACKUP_LIMIT = "pg_dump 15 cannot dump a PostgreSQL"


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.split() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def unavailability(stamped, start):
    """Windows of failed writes from the first failed write at or after START (the contender's
    start) to the next acknowledged write, using the time each outcome was seen."""
    writes = sorted(((int(w[1]), float(w[0]), w[2]) for w in stamped if len(w) >= 3), key=lambda w: w[0])
    acked = sum(1 for w in writes if w[2] == "200")
    failed = [w for w in writes if w[2] != "200"]
    before = sum(1 for w in failed if w[1] < start)
    spans = []
    span_start = None
    for _id, seen, status in writes:
        if seen < start:
            continue
        if status != "200" and span_start is None:
            span_start = seen
        elif status == "200" and span_start is not None:
            spans.append((span_start, seen))
            span_start = None
    recovered = span_start is None
    first = spans[0][1] - spans[0][0] if spans else (0.0 if recovered else None)
    return {
        "writes": len(writes),
        "acknowledged": acked,
        "failed": len(failed),
        "failed_before_start": before,
        "unavailable_seconds": round(first, 3) if first is not None else None,
        "unavailable_total_seconds": round(sum(b - a for a, b in spans), 3) if recovered else None,
        "unavailable_spans": len(spans) + (0 if recovered else 1),
        "recovered": recovered,
    }


def bytes_read(samples, start):
    """Delta of the old database's read counters from the last sample before START to the last
    sample taken (the old server is destroyed at the end of both contenders)."""
    rows = [(float(s[0]), int(s[1]), int(s[2])) for s in samples if len(s) == 3]
    base = [r for r in rows if r[0] <= start]
    if not base or len(rows) < 2:
        return None, None
    b, last = base[-1], rows[-1]
    return last[1] - b[1], last[2] - b[2]


def lost_writes(text, rc):
    if rc == 0:
        return 0
    m = re.search(r"(\d+) of (\d+) acknowledged writes missing", text)
    return int(m.group(1)) if m else None


def main():
    ap = argparse.ArgumentParser()
    for name in ("dir", "size", "contender", "app", "old", "new", "database-host"):
        ap.add_argument("--" + name, required=True)
    ap.add_argument("--rep", type=int, required=True)
    ap.add_argument("--database-bytes", type=int, required=True)
    ap.add_argument("--start", type=float, required=True)
    ap.add_argument("--end", type=float, required=True)
    ap.add_argument("--rc", type=int, required=True)
    ap.add_argument("--check-rc", type=int, required=True)
    ap.add_argument("--new-major", default="")
    ap.add_argument("--dataset-intact", choices=("true", "false"), required=True)
    a = ap.parse_args()
    d = a.dir

    def text(name):
        try:
            with open(os.path.join(d, name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    log = text("contender.log")
    run = {
        "size": a.size, "rep": a.rep, "contender": a.contender, "app": a.app,
        "old_service": a.old, "new_service": a.new, "database_bytes": a.database_bytes,
        "exit_status": a.rc, "total_seconds": round(a.end - a.start, 3),
        "maintenance_seconds": None, "failed_step": None, "error": None,
        "helper_cpu_seconds": None, "helper_peak_rss_kib": None,
    }
    if a.contender == "manual":
        times = read_lines(os.path.join(d, "manual.times"))
        steps = {t[0]: (float(t[1]), float(t[2]), int(t[3])) for t in times if len(t) == 4}
        if "maintenance-enable" in steps and "maintenance-disable" in steps:
            run["maintenance_seconds"] = round(steps["maintenance-disable"][1] - steps["maintenance-enable"][0], 3)
        failed = [t[0] for t in times if len(t) == 4 and t[3] != "0"]
        run["failed_step"] = failed[0] if failed else None
        run["steps"] = {k: round(v[1] - v[0], 3) for k, v in steps.items()}
    else:
        try:
            report = json.loads(text("report.json") or "null") or {}
        except json.JSONDecodeError:
            report = {}
        results = report.get("results") or {}
        window = results.get("window") or {}
        run["maintenance_seconds"] = window.get("seconds")
        run["failed_step"] = report.get("failed_step")
        run["outcome"] = report.get("outcome")
        helper = results.get("helper") or {}
        run["helper_cpu_seconds"] = helper.get("cpu_seconds")
        run["helper_peak_rss_kib"] = helper.get("peak_rss_kib")
        run["steps"] = {s.get("name"): s.get("seconds") for s in report.get("steps") or [] if isinstance(s, dict)}
        if a.rc != 0 and report.get("error"):
            run["error"] = report.get("error")
    run["writes"] = unavailability(read_lines(os.path.join(d, "load.stamped")), a.start)
    run["unavailable_seconds"] = run["writes"]["unavailable_seconds"]
    tables, database = bytes_read(read_lines(os.path.join(d, "statmon")), a.start)
    run["bytes_read_old"] = tables
    run["bytes_read_old_database"] = database
    run["lost_writes"] = lost_writes(text("check-writes.out"), a.check_rc)
    run["app_database_host"] = a.database_host
    # The DSN's host is the service's alias: dokku-postgres-<name with . and _ as ->.
    switched = a.database_host == "dokku-postgres-" + re.sub(r"[._]", "-", a.new) and a.new_major == "17"
    run["switched"] = switched

    # The sandbox has Debian's pg_dump 15 only: the first backup of the new 17 service fails
    # there for both contenders (their last steps). The upgrade itself is then complete.
    sandbox_limit = SANDBOX_BACKUP_LIMIT in log and run["failed_step"] in ("backups", "backup-new")
    if a.rc == 0 and switched:
        status = "ok"
    elif a.rc != 0 and switched and sandbox_limit:
        status = "ok-sandbox-backup"
        run["note"] = "the upgrade finished; the first backup of the new 17 service was refused by the sandbox (pg_dump 15 only)"
    else:
        status = "failed"
        if not run["error"]:
            lines = [line.strip() for line in log.splitlines() if line.strip()]
            errors = [line for line in lines if line.startswith("!")] or lines[-1:]
            last = errors[-1].lstrip("! ").strip() if errors else ""
            where = f"{run['failed_step']} failed" if run["failed_step"] else f"exit status {a.rc}"
            run["error"] = f"{where}: {last}" if last else where
            if a.rc == 0 and not switched:
                run["error"] = f"exit status 0 but the app is not on the new 17 service (DATABASE_URL host {a.database_host})"
    run["dataset_intact"] = a.dataset_intact == "true"
    if status != "failed" and not run["dataset_intact"]:
        status = "failed"
        run["error"] = "the new database's row counts differ from the dataset's"
    if run["lost_writes"] != 0 or not run["writes"]["recovered"]:
        status = "failed"
        run["error"] = run["error"] or ("acknowledged writes lost" if run["lost_writes"] else "the app never wrote again")
    run["status"] = status
    json.dump(run, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
