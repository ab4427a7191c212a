"""bench/RESULTS.md from one run of bench/run.py: the machine, the data, each target with pass or miss, the tables."""

import dataclasses
import json
from pathlib import Path

import config as bench


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**pass**" if ok else "**miss**")


def _path(path: str, width: int = 70) -> str:
    shown = path if len(path) <= width else path[: width - 1] + "…"
    return f"`{shown}`"


def _ok(timing) -> bool:
    return timing.status == 200


def targets(report: dict) -> list[tuple[str, str, bool | None]]:
    """Each target of issue 11 with what this run measured against it."""
    urls, pg, sql = report["urls"], report.get("postgres", {}), report.get("postgres_sql", {})
    measured = [(url, pg[url.label]) for url in urls if url.label in pg]
    rows = []

    def worst(kinds, label):
        chosen = [(url, timing) for url, timing in measured if url.kind in kinds]
        if not chosen:
            return None
        url, timing = max(chosen, key=lambda pair: (not _ok(pair[1]), pair[1].p95))
        return url, timing

    lists = worst({"list", "deep"}, "list")
    if lists:
        url, timing = lists
        rows.append((f"any list URL p95 ≤ {bench.LIST_P95_MS} ms (with filtered totals)",
                     f"worst: {_ms(timing.p95)} ms ({url.label})" + ("" if _ok(timing) else f", HTTP {timing.status}"),
                     _ok(timing) and timing.p95 <= bench.LIST_P95_MS))
    for kinds, label, limit in (({"incident"}, "incident page", bench.INCIDENT_P95_MS), ({"api"}, "API list", bench.API_P95_MS)):
        found = worst(kinds, label)
        if found:
            url, timing = found
            rows.append((f"{label} p95 ≤ {limit} ms", f"{_ms(timing.p95)} ms ({url.label})", _ok(timing) and timing.p95 <= limit))
    map_url = next((url for url in urls if url.kind == "map"), None)
    if map_url is None:
        pass  # a partial run (BENCH_ONLY) without it
    elif map_url.label in pg:
        timing = pg[map_url.label]
        rows.append((f"map data p95 ≤ {bench.MAP_P95_MS} ms", f"{_ms(timing.p95)} ms", _ok(timing) and timing.p95 <= bench.MAP_P95_MS))
    else:
        rows.append((f"map data p95 ≤ {bench.MAP_P95_MS} ms", f"not measured: {map_url.note}", None))
    first = pg.get("list, unfiltered")
    deep = next(((url, pg[url.label]) for url in urls if url.kind == "deep" and url.label in pg), None)
    if first and deep:
        ratio = deep[1].median / first.median
        rows.append((f"deep page ≤ {bench.DEEP_RATIO:g}× first page (median)",
                     f"{ratio:.2f}× ({_ms(deep[1].median)} ms {deep[0].label} vs {_ms(first.median)} ms)", ratio <= bench.DEEP_RATIO))
    ratios = [(url, pg[url.label].median / sql[url.path]["sql_ms"]) for url in urls
              if url.kind in {"list", "deep"} and url.label in pg and sql.get(url.path, {}).get("sql_ms")]
    if ratios:
        url, ratio = max(ratios, key=lambda pair: pair[1])
        rows.append((f"page time ÷ SQL time ≤ {bench.SQL_RATIO:g} for list pages", f"worst: {ratio:.1f} ({url.label})",
                     ratio <= bench.SQL_RATIO))
    exports = report.get("exports", [])
    full = [run for run in exports if run["rows"] >= 1_000_000]
    if full:
        run = min(full, key=lambda run: run["seconds"])
        rows.append((f"CSV export of 1,000,000 complete in ≤ {bench.EXPORT_SECONDS} s",
                     f"{run['seconds']:.0f} s for {run['rows']:,} rows", run["status"] == 200 and run["seconds"] <= bench.EXPORT_SECONDS))
    else:
        largest = max(exports, key=lambda run: run["rows"], default=None)
        note = f"not run at this size (BENCH_N=1000000 runs it); {largest['rows']:,} rows took {largest['seconds']:.1f} s" if largest else "not run"
        rows.append((f"CSV export of 1,000,000 complete in ≤ {bench.EXPORT_SECONDS} s", note, None))
    if exports:
        run = max(exports, key=lambda run: (run["rows"], run["peak_mb"]))
        rows.append((f"peak process memory during the export ≤ {bench.EXPORT_MB} MB",
                     f"{run['peak_mb']:.0f} MB exporting {run['rows']:,} rows", run["peak_mb"] <= bench.EXPORT_MB))
    versus = report.get("versus")
    if versus:
        slower = [row for row in versus if row["ours"].median > row["datasette"].median]
        worst_pair = max(versus, key=lambda row: row["ours"].median / row["datasette"].median)
        rows.append((f"SQLite ({report['sqlite_data']['incidents']:,} incidents): our list JSON at least as fast as "
                     "Datasette's table JSON, same filter (median)",
                     f"faster or equal on {len(versus) - len(slower)} of {len(versus)} filters; worst: {worst_pair['label']}, "
                     f"{_ms(worst_pair['ours'].median)} ms vs {_ms(worst_pair['datasette'].median)} ms", not slower))
    sqlite = report.get("sqlite")
    if sqlite:
        label, timing = max(sqlite.items(), key=lambda pair: (not _ok(pair[1]), max(pair[1].max, pair[1].first)))
        rows.append((f"SQLite ({report['sqlite_data']['incidents']:,} incidents): no public page or API page above "
                     f"{bench.SQLITE_PAGE_MS / 1000:g} s",
                     f"slowest: {_ms(timing.first)} ms first request, {_ms(timing.max)} ms max after it, {_ms(timing.p95)} ms p95 ({label})",
                     all(_ok(t) for t in sqlite.values()) and max(timing.max, timing.first) <= bench.SQLITE_PAGE_MS))
    return rows


def write_results(report: dict) -> str:
    Path(bench.DATA / f"results-{report['n']}.json").write_text(json.dumps(report, default=_plain, indent=1))
    m, n = report["machine"], report["n"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py) on {report['date']}, in {report['minutes']:.0f} minutes. "
        "Rerun it to replace this file; bench/README.md says what each number is.",
        "",
        "| | |",
        "| --- | --- |",
        f"| machine | {m['cpu']}, {m['cores']} cores, {m['memory_mb'] / 1024:.0f} GB RAM; {m['os']} |",
        f"| software | Python {m['python']}, PostgreSQL {m['postgres']}, SQLite {m['sqlite']}, {m['datasette'] or 'Datasette not installed'} |",
        f"| code | {m.get('code', 'unknown')}"
        + (f" (the PostgreSQL half reused from the run of {report['postgres_code']}, {report['reused_postgres']}: "
           "BENCH_REUSE_POSTGRES=1)" if report.get("reused_postgres") else "") + " |",
        f"| data | {n:,} synthetic incidents (`generate_synthetic --incidents {n} --seed {report['seed']}`), "
        f"{report['postgres_data']['published']:,} of them published |",
        f"| load | {_load(report)} |",
        f"| server | gunicorn, {bench.WORKERS} sync workers, DEBUG off; the clients run on the same machine |",
        f"| method | per URL: the first request (\"first ms\": nothing of it cached yet), 2 more to warm up, then {bench.REQUESTS} "
        "sequential requests → median and p95 from sending to the last byte (the site's caches warm, as for a page many read); "
        f"then {bench.CLIENTS} concurrent clients for {bench.SECONDS:g} s → requests/s. SQL: the same view called once in process "
        f"(same settings and database), its queries then executed raw {bench.SQL_REPEAT} times → median |",
        "",
    ]
    if n != 1_000_000:
        lines += [f"The targets are set for 1,000,000 incidents on PostgreSQL (SQLite: 100,000); this run has {n:,}, so its "
                  "pass and miss say where the site stands at this size only.", ""]
    lines += ["## Targets", "", "| target | measured | result |", "| --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {_verdict(ok)} |" for target, measured, ok in targets(report)]
    lines += ["", "## PostgreSQL: each URL", "",
              f"| URL | address | first ms | median ms | p95 ms | req/s, {bench.CLIENTS} clients | queries | SQL ms | page ÷ SQL | note |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    pg, sql = report.get("postgres", {}), report.get("postgres_sql", {})
    for url in report["urls"]:
        timing = pg.get(url.label)
        if not timing:
            lines.append(f"| {url.label} | {_path(url.path) if url.path else '–'} | – | – | – | – | – | – | – | {url.note} |")
            continue
        queries = sql.get(url.path, {})
        ratio = timing.median / queries["sql_ms"] if queries.get("sql_ms") else None
        note = "; ".join(filter(None, [url.note, "" if _ok(timing) else f"HTTP {timing.status}"]))
        lines.append(f"| {url.label} | {_path(url.path)} | {_ms(timing.first)} | {_ms(timing.median)} | {_ms(timing.p95)} | "
                     f"{_ms(timing.per_second)} | {queries.get('queries', '–')} | {_ms(queries.get('sql_ms'))} | "
                     f"{f'{ratio:.1f}' if ratio else '–'} | {note} |")
    lines += ["", "## PostgreSQL: CSV export", "",
              "| export | address | rows | MB sent | seconds | rows/s | worker memory: at start → peak (MB) | SQL ms |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for run in report.get("exports", []):
        sql_ms = sql.get(run["path"], {}).get("sql_ms")
        status = "" if run["status"] == 200 else f" (HTTP {run['status']})"
        lines.append(f"| {run['label']}{status} | {_path(run['path'], 50)} | {run['rows']:,} | {run['bytes'] / 1e6:,.1f} | "
                     f"{run['seconds']:.1f} | {run['rows'] / run['seconds']:,.0f} | {run['start_mb']:.0f} → {run['peak_mb']:.0f} | "
                     f"{_ms(sql_ms)} |")
    lines += ["", "Peak memory is the serving worker's peak resident set (VmHWM, reset before the request). SQL ms for an export "
              "is the raw execution of its queries with every row fetched."]
    if report.get("sqlite"):
        sqlite, ssql = report["sqlite"], report.get("sqlite_sql", {})
        lines += ["", "## SQLite: each URL", "",
                  f"The same site on SQLite, {report['sqlite_data']['incidents']:,} incidents (`generate_synthetic` with the same "
                  f"seed{'' if report['sqlite_data']['incidents'] == n else '; the SQLite targets are set at 100,000'}), "
                  f"{bench.SQLITE_REQUESTS} sequential requests per URL; the deep page is left out (its cursor is measured on "
                  "PostgreSQL).", "",
                  "| URL | first ms | median ms | p95 ms | max ms | queries | SQL ms | note |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for label, timing in sqlite.items():
            path = next(url.path for url in report.get("sqlite_urls", report["urls"]) if url.label == label)
            queries = ssql.get(path, {})
            lines.append(f"| {label} | {_ms(timing.first)} | {_ms(timing.median)} | {_ms(timing.p95)} | {_ms(timing.max)} | "
                         f"{queries.get('queries', '–')} | "
                         f"{_ms(queries.get('sql_ms'))} | {'' if _ok(timing) else f'HTTP {timing.status}'} |")
    if report.get("versus"):
        download = report["download"]
        lines += ["", "## SQLite: this project beside Datasette", "",
                  f"Datasette serves `{download['name']}` ({download['size_mb']:,.0f} MB), the project's own full-download "
                  "SQLite file, built by `build_downloads` from the project's SQLite database; our side is `/api/v1/incidents/` "
                  "served by gunicorn from that project database (same incidents, the project's own schema and indexes). "
                  "Both answer 50 rows and the filtered count; ours in the list's order (newest first, "
                  f"by index), Datasette's in its table order (rowid). {bench.VERSUS_REQUESTS} sequential requests each.", "",
                  "| filter | ours median / p95 ms | Datasette median / p95 ms | ours count | Datasette count | faster |",
                  "| --- | ---: | ---: | ---: | ---: | --- |"]
        for row in report["versus"]:
            ours, theirs = row["ours"], row["datasette"]
            faster = "ours" if ours.median <= theirs.median else "Datasette"
            lines.append(f"| {row['label']} | {_ms(ours.median)} / {_ms(ours.p95)} | {_ms(theirs.median)} / {_ms(theirs.p95)} | "
                         f"{row['ours_count']} | {row['datasette_count']} | {faster} |")
    lines.append("")
    return "\n".join(lines)


def _load(report: dict) -> str:
    """Other work on the machine skews every number: the 1-minute load average before and after the run says how much."""
    if "load_start" not in report:
        return "not recorded"
    return f"1-minute load average {report['load_start']:.1f} at the start, {report['load_end']:.1f} at the end ({report['machine']['cores']} cores)"


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    return str(value)
