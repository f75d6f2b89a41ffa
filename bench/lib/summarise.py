#!/usr/bin/env python3
"""summarise.py --runs runs.jsonl --out results.json ...: medians per size x contender over the
runs that completed, ratios pgupgrade / manual per size, the targets for the largest size;
a Markdown table on stdout, every run's raw figures with the summary in results.json."""
import argparse
import json
import statistics

FIGURES = [
    # key, column title, format
    ("maintenance_seconds", "maintenance window (s)", "{:.1f}"),
    ("unavailable_seconds", "write-unavailable (s)", "{:.1f}"),
    ("unavailable_total_seconds", "all failed-write spans (s)", "{:.1f}"),
    ("total_seconds", "total (s)", "{:.1f}"),
    ("read_mib", "read from old DB (MiB)", "{:.0f}"),
    ("helper_cpu_seconds", "helper CPU (s)", "{:.2f}"),
    ("helper_peak_rss_mib", "helper peak RSS (MiB)", "{:.1f}"),
    ("lost_writes", "lost writes", "{:.0f}"),
]
VALID = ("ok", "ok-sandbox-backup")


def flat(run):
    """The figures of one run by FIGURES key (None when absent)."""
    writes = run.get("writes") or {}
    rss = run.get("helper_peak_rss_kib")
    read = run.get("bytes_read_old")
    return {
        "maintenance_seconds": run.get("maintenance_seconds"),
        "unavailable_seconds": run.get("unavailable_seconds"),
        "unavailable_total_seconds": writes.get("unavailable_total_seconds"),
        "total_seconds": run.get("total_seconds"),
        "read_mib": read / 1048576 if isinstance(read, (int, float)) else None,
        "helper_cpu_seconds": run.get("helper_cpu_seconds"),
        "helper_peak_rss_mib": rss / 1024 if isinstance(rss, (int, float)) else None,
        "lost_writes": run.get("lost_writes"),
    }


def median(values):
    values = [v for v in values if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


def fmt(value, spec):
    return "n/a" if value is None else spec.format(value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--started", default=None)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--contenders", required=True)
    ap.add_argument("--repeat", type=int, required=True)
    ap.add_argument("--interval-ms", type=int, required=True)
    a = ap.parse_args()
    sizes = a.sizes.split(",")
    contenders = a.contenders.split(",")
    with open(a.runs, encoding="utf-8") as f:
        runs = [json.loads(line) for line in f if line.strip()]

    cells = {}
    for size in sizes:
        for contender in contenders:
            mine = [r for r in runs if r.get("size") == size and r.get("contender") == contender]
            valid = [flat(r) for r in mine if r.get("status") in VALID]
            cells[f"{size}/{contender}"] = {
                "size": size,
                "contender": contender,
                "runs": len(mine),
                "completed": len(valid),
                "failed": len(mine) - len(valid),
                "sandbox_backup_limit": sum(1 for r in mine if r.get("status") == "ok-sandbox-backup"),
                "lost_writes_total": None if any(r.get("lost_writes") is None for r in mine)
                else sum(r["lost_writes"] for r in mine),
                "median": {key: median([v[key] for v in valid]) for key, _, _ in FIGURES},
            }
    ratios = {}
    for size in sizes:
        m, p = cells.get(f"{size}/manual"), cells.get(f"{size}/pgupgrade")
        if not m or not p:
            continue
        ratios[size] = {}
        for key, _, _ in FIGURES:
            mv, pv = m["median"][key], p["median"][key]
            ratios[size][key] = round(pv / mv, 3) if isinstance(mv, (int, float)) and isinstance(pv, (int, float)) and mv else None

    targets = None
    big = "1G" if "1G" in sizes else None
    if big and f"{big}/pgupgrade" in cells:
        p = cells[f"{big}/pgupgrade"]
        ratio = (ratios.get(big) or {}).get("maintenance_seconds")
        rss = p["median"]["helper_peak_rss_mib"]
        targets = {
            "size": big,
            "maintenance_ratio_at_most_0_5": None if ratio is None else ratio <= 0.5,
            "no_lost_write": None if p["lost_writes_total"] is None or not p["runs"] else p["lost_writes_total"] == 0,
            "helper_peak_rss_at_most_30_mib": None if rss is None else rss <= 30,
        }

    summary = {
        "started": a.started,
        "sizes": sizes,
        "contenders": contenders,
        "repeat": a.repeat,
        "load_interval_ms": a.interval_ms,
        "upgrade": "postgres:14.23 -> postgres:17.10",
        "cells": cells,
        "ratios_pgupgrade_over_manual": ratios,
        "targets": targets,
        "runs": runs,
    }
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")

    print(f"## pgupgrade vs manual upgrade, postgres 14.23 → 17.10 (median of {a.repeat}; load every {a.interval_ms} ms)\n")
    print("| size | contender | runs ok | " + " | ".join(title for _, title, _ in FIGURES) + " |")
    print("|---|---|---|" + "---|" * len(FIGURES))
    for size in sizes:
        for contender in contenders:
            c = cells[f"{size}/{contender}"]
            ok = f"{c['completed']}/{c['runs']}" + (" FAILED" if c["failed"] else "")
            row = [fmt(c["median"][key], spec) for key, _, spec in FIGURES]
            print(f"| {size} | {contender} | {ok} | " + " | ".join(row) + " |")
        if size in ratios:
            row = [fmt(ratios[size][key], "{:.2f}") if key != "lost_writes" else "" for key, _, _ in FIGURES]
            print(f"| {size} | **pgupgrade / manual** | | " + " | ".join(row) + " |")
    failed = [r for r in runs if r.get("status") not in VALID]
    limited = [r for r in runs if r.get("status") == "ok-sandbox-backup"]
    if limited:
        print(f"\n{len(limited)} run(s) ended with the first backup of the new 17 service refused by the sandbox "
              "(pg_dump 15 cannot dump 17); the upgrade itself had finished, so their figures count.")
    if failed:
        print(f"\n**{len(failed)} run(s) failed** and are left out of the medians:")
        for r in failed:
            print(f"- {r.get('size')} rep {r.get('rep')} {r.get('contender')}: {r.get('error') or r.get('status')}"
                  + (f" (lost writes: {r['lost_writes']})" if r.get("lost_writes") else ""))
    if targets:
        def mark(v):
            return "n/a" if v is None else ("met" if v else "NOT met")
        print(f"\nTargets at {big}: maintenance window ≤ 0.5 × manual: {mark(targets['maintenance_ratio_at_most_0_5'])}; "
              f"no lost write: {mark(targets['no_lost_write'])}; helper peak RSS ≤ 30 MiB: {mark(targets['helper_peak_rss_at_most_30_mib'])}")
    print(f"\nRaw figures of every run: {a.out}")


if __name__ == "__main__":
    main()
