"""An SVG chart of each read against its before, floor and peer: hand-written SVG, no dependency, no script.

Grouped horizontal bars on a logarithmic axis of milliseconds (the reads span three orders of magnitude),
one group per read, each bar labelled with its time, so the chart reads without colour too.
"""

from __future__ import annotations

import math
from html import escape

SERIES = [
    ("ms", "product", "#1f5fa8"),
    ("before_ms", "before (serializer path)", "#8fb4dd"),
    ("floor_ms", "floor (bare view, one query)", "#2e7d32"),
    ("peer_ms", "peer (stock DRF)", "#c0392b"),
]
LABEL_W, BAR_H, GAP, PLOT_W, TOP = 230, 11, 14, 560, 56


def svg(results: dict) -> str:
    reads = [f for f in results["reads"] if all(f.get(key) for key, _, _ in SERIES)]
    values = [f[key] for f in reads for key, _, _ in SERIES] or [1.0]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    span = math.log10(high) - math.log10(low) or 1

    def x(ms: float) -> float:
        return LABEL_W + PLOT_W * (math.log10(ms) - math.log10(low)) / span

    group_h = len(SERIES) * BAR_H + GAP
    height = TOP + len(reads) * group_h + 40
    width = LABEL_W + PLOT_W + 90
    title = (
        f"Reads on {results.get('machine', {}).get('database_version', results.get('database', ''))}, "
        f"scale {results.get('scale')}, median of {results.get('repeat')} runs (ms, log scale)"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="11" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    legend_x = 8
    for _, name, colour in SERIES:
        out.append(f'<rect x="{legend_x}" y="26" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 14}" y="35">{escape(name)}</text>')
        legend_x += 14 + 7 * len(name) + 16
    decade = low
    while decade <= high:
        gx = x(decade)
        out.append(f'<line x1="{gx:.1f}" y1="{TOP - 6}" x2="{gx:.1f}" y2="{height - 30}" stroke="#ddd"/>')
        out.append(f'<text x="{gx:.1f}" y="{height - 16}" text-anchor="middle">{decade:g} ms</text>')
        decade *= 10
    for i, f in enumerate(reads):
        y0 = TOP + i * group_h
        out.append(f'<text x="{LABEL_W - 8}" y="{y0 + 2 * BAR_H + 4}" text-anchor="end">{escape(f["figure"])}</text>')
        for j, (key, name, colour) in enumerate(SERIES):
            ms, y = f[key], y0 + j * BAR_H
            w = max(x(ms) - LABEL_W, 1)
            out.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H - 2}" fill="{colour}">'
                f"<title>{escape(f['figure'])}: {escape(name)} {ms:.2f} ms</title></rect>"
            )
            out.append(f'<text x="{LABEL_W + w + 3:.1f}" y="{y + BAR_H - 3}" font-size="9">{ms:.2f}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
