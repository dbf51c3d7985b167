"""The printed tables of the read, request-cycle, middleware and HTTP figures (markdown, as
docs/performance.md shows them)."""

from __future__ import annotations


def _met(value) -> str:
    return "" if value is None else "met" if value else "NOT MET"


def _ms(value) -> str:
    return "" if value is None else f"{value:.2f}"


def reads(figures: list[dict]) -> list[str]:
    lines = [
        "| read | ms | before ms | floor ms | peer ms | x floor | peer / ms | queries | SQL ms | bytes | rows "
        "| 2x floor | 5x peer |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for f in figures:
        faster = round(f["peer_ms"] / f["ms"], 1) if f["ms"] else None
        same = f.get("same_rows")
        rows = "" if same is None else f"{same['product']}{'' if same['equal'] else ' DIFFER'}"
        lines.append(
            f"| {f['figure']} | {_ms(f['ms'])} | {_ms(f['before_ms'])} | {_ms(f['floor_ms'])} | {_ms(f['peer_ms'])} "
            f"| {f['ratio_to_floor']} | {faster} | {f['queries']} | {_ms(f['sql_ms'])} | {f['bytes']:,} | {rows} "
            f"| {_met(f['met_floor'])} | {_met(f['met_stock_drf'])} |"
        )
    return lines


def slices(figures: list[dict], cycle: dict | None = None) -> list[str]:
    """Where each read's time goes: its exclusive slices in ms (benchmarks/breakdown.py), adding up to the
    request timed with them."""
    from benchmarks.breakdown import MEANING, SLICES

    rows = [f for f in figures if "slices" in f] + ([{**cycle, "figure": "GET /api/v1/"}] if cycle else [])
    if not rows:
        return []
    lines = [
        "",
        "Where the time goes (ms, the median run of each read, each slice without the slices inside it):",
        "",
        "| read | " + " | ".join(SLICES) + " | total |",
        "| --- | " + " | ".join("---:" for _ in SLICES) + " | ---: |",
    ]
    for f in rows:
        ms = f["slices"]["ms"]
        cells = " | ".join(_ms(ms[name]) for name in SLICES)
        lines.append(f"| {f['figure']} | {cells} | {_ms(f['slices']['total_ms'])} |")
    lines += [""] + [f"- {name}: {MEANING[name]}" for name in SLICES]
    return lines


def request_cycle(cycle: dict, middleware: list[dict] | None) -> list[str]:
    lines = [
        "",
        f"Request cycle (median of {cycle['runs']} runs): a bare view with no middleware {cycle['bare_ms']:.3f} ms; "
        f"the same behind the product's middleware, signed in, {cycle['middleware_ms']:.3f} ms; "
        f"GET /api/v1/ signed in {cycle['ms']:.3f} ms = {cycle['ratio']}x the bare view behind the middleware "
        f"(target 1.5x: {_met(cycle['met'])}).",
    ]
    if middleware:
        lines += ["", "| middleware | cost ms | |", "| --- | ---: | --- |"]
        for m in middleware:
            lines.append(f"| {m['middleware']} | {_ms(m['ms'])} | {m.get('note', '')} |")
    return lines


def http(figures: list[dict]) -> list[str]:
    if not figures:
        return []
    first = figures[0]
    lines = [
        "",
        f"HTTP: gunicorn, {first['workers']} workers, {first['clients']} client threads (keep-alive), "
        f"{first['seconds']} s each",
        "",
        "| read | product req/s | p50 ms | p99 ms | failures | floor req/s | floor p50 | floor p99 | product/floor "
        "| target | |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for f in figures:
        p, fl = f["product"], f["floor"]
        lines.append(
            f"| {f['figure']} | {p['requests_per_s']} | {p['p50_ms']} | {p['p99_ms']} | {p['failures']} "
            f"| {fl['requests_per_s']} | {fl['p50_ms']} | {fl['p99_ms']} | {f['ratio_to_floor']} | {f['target']} "
            f"| {_met(f['met'])} |"
        )
    return lines
