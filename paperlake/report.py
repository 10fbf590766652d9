"""A self-contained HTML report of the gold tables, with inline SVG charts (Dagster-free).

No JavaScript library and no network: every chart is an SVG generated here. A few lines of
inline JavaScript only measure the rendered charts (``data-render-check`` on ``<html>``) so a
headless browser can prove that every chart drew something.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import polars as pl

REPORT_DIR = "report"
REPORT_FILE = "index.html"

# Tables the report reads (all gold).
REPORT_TABLES = (
    "gold/topic_trends", "gold/benchmark_results", "gold/paper_catalog", "gold/benchmark_leaderboard",
    "gold/paper_claims", "gold/claims_by_topic", "gold/model_size_distribution", "gold/topic_cooccurrence",
    "gold/daily_arrivals", "gold/dump_quality",
)

PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac", "#1f77b4", "#8c564b"]
INK, MUTED, GRID = "#222", "#666", "#e5e5e5"

SPEEDUP_BINS = [(1.0, 1.5), (1.5, 2.0), (2.0, 3.0), (3.0, 5.0), (5.0, 10.0), (10.0, 100.0), (100.0, math.inf)]
PERCENT_BINS = [(0, 10), (10, 25), (25, 50), (50, 75), (75, 90), (90, 100.0001)]


def report_path(warehouse: str | Path) -> Path:
    return Path(warehouse) / REPORT_DIR / REPORT_FILE


# ---------------------------------------------------------------------------------------------
# SVG primitives
# ---------------------------------------------------------------------------------------------


def esc(v: object) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def fmt_num(v: float | int | None, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
        return "–"
    if isinstance(v, int) or float(v).is_integer() and abs(v) < 1e6:
        return f"{int(v):,}"
    a = abs(v)
    for div, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if a >= div:
            return f"{v / div:.{digits}g}{suffix}"
    return f"{v:.{digits}g}"


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{esc(label)}">' + "".join(body) + "</svg>")


def _text(x: float, y: float, s: object, *, anchor: str = "start", size: int = 11, fill: str = INK,
          weight: str = "normal", rotate: float | None = None) -> str:
    rot = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate is not None else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
            f'font-weight="{weight}"{rot}>{esc(s)}</text>')


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if v <= m * exp:
            return m * exp
    return 10 * exp



def _y_axis(vmax: float, top: float, plot_h: float, left: float, right_x: float, value_fmt, y_title) -> list[str]:
    """Five horizontal grid lines with their value labels, and the rotated axis title."""
    out = []
    for k in range(5):
        gy = top + plot_h - plot_h * k / 4
        out.append(f'<line x1="{left}" y1="{gy:.1f}" x2="{right_x}" y2="{gy:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 4, gy + 4, value_fmt(vmax * k / 4), anchor="end", size=10, fill=MUTED))
    if y_title:
        out.append(_text(12, top + plot_h / 2, y_title, anchor="middle", size=10, fill=MUTED, rotate=-90))
    return out

def _legend(items: Sequence[tuple[str, str]], x: float, y: float, width: float) -> tuple[list[str], float]:
    out, cx, cy = [], x, y
    for name, color in items:
        w = 18 + 6.5 * len(name) + 14
        if cx + w > x + width:
            cx, cy = x, cy + 16
        out.append(f'<rect x="{cx:.1f}" y="{cy - 9:.1f}" width="11" height="11" fill="{color}"/>')
        out.append(_text(cx + 15, cy, name, size=11))
        cx += w
    return out, cy + 16


def hbar_chart(items: Sequence[tuple[str, float, str]], *, label: str, width: int = 640, value_fmt=fmt_num,
               color: str = PALETTE[0], label_width: int = 230) -> tuple[str, int]:
    """Horizontal bars: (label, value, tooltip). Returns (svg, number of marks)."""
    items = [i for i in items if i[1] is not None]
    if not items:
        return "", 0
    bar_h, gap, top = 18, 6, 8
    height = top + len(items) * (bar_h + gap) + 24
    vmax = _nice_max(max(v for _, v, _ in items))
    plot_w = width - label_width - 70
    body, marks = [], 0
    for k in range(5):
        gx = label_width + plot_w * k / 4
        body.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{height - 20}" stroke="{GRID}"/>')
        body.append(_text(gx, height - 6, value_fmt(vmax * k / 4), anchor="middle", size=10, fill=MUTED))
    for i, (name, value, tip) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(plot_w * value / vmax, 1.5) if value > 0 else 0
        short = name if len(name) <= 34 else name[:33] + "…"
        body.append(_text(label_width - 6, y + bar_h - 5, short, anchor="end"))
        body.append(f'<rect class="mark" x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}">'
                    f"<title>{esc(tip or f'{name}: {value_fmt(value)}')}</title></rect>")
        body.append(_text(label_width + w + 4, y + bar_h - 5, value_fmt(value), size=10, fill=MUTED))
        marks += value > 0
    return _svg(width, height, body, label), marks


def vbar_chart(categories: Sequence[str], series: Mapping[str, Sequence[float]], *, label: str,
               stacked: bool = True, width: int = 640, height: int = 280, value_fmt=fmt_num,
               colors: Sequence[str] = PALETTE, y_title: str = "") -> tuple[str, int]:
    """Vertical (stacked or grouped) bars over categories."""
    if not categories or not series:
        return "", 0
    left, right, top, bottom = 52, 12, 12, 58
    names = list(series)
    legend, legend_bottom = _legend([(n, colors[i % len(colors)]) for i, n in enumerate(names)] if len(names) > 1
                                    else [], left, height - 8, width - left)
    extra = max(legend_bottom - height, 0) if len(names) > 1 else 0
    total_h = height + extra + (16 if len(names) > 1 else 0)
    plot_h = height - top - bottom
    plot_w = width - left - right
    if stacked:
        vmax = max(sum(series[n][i] or 0 for n in names) for i in range(len(categories)))
    else:
        vmax = max((v or 0) for n in names for v in series[n])
    vmax = _nice_max(vmax)
    body, marks = [], 0
    body += _y_axis(vmax, top, plot_h, left, width - right, value_fmt, y_title)
    slot = plot_w / len(categories)
    bw = slot * 0.7 / (1 if stacked else len(names))
    for i, cat in enumerate(categories):
        x0 = left + slot * i + slot * 0.15
        base = 0.0
        for j, n in enumerate(names):
            v = series[n][i] or 0
            h = plot_h * v / vmax
            x = x0 if stacked else x0 + j * bw
            y = top + plot_h - (plot_h * base / vmax if stacked else 0) - h
            if v > 0:
                body.append(f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                            f'fill="{colors[j % len(colors)]}"><title>{esc(cat)} · {esc(n)}: {value_fmt(v)}'
                            f"</title></rect>")
                marks += 1
            if stacked:
                base += v
        short = cat if len(cat) <= 14 else cat[:13] + "…"
        cx = left + slot * i + slot / 2
        if len(categories) > 8:
            body.append(_text(cx, top + plot_h + 12, short, anchor="end", size=10, rotate=-35))
        else:
            body.append(_text(cx, top + plot_h + 16, short, anchor="middle", size=10))
    body += legend
    return _svg(width, total_h, body, label), marks


def line_chart(xs: Sequence[str], series: Mapping[str, Sequence[float | None]], *, label: str, width: int = 640,
               height: int = 300, value_fmt=fmt_num, y_title: str = "") -> tuple[str, int]:
    """Lines (with point markers) of several series over ordered x labels."""
    if not xs or not series:
        return "", 0
    left, right, top, bottom = 52, 36, 12, 44
    names = list(series)
    legend, legend_bottom = _legend([(n, PALETTE[i % len(PALETTE)]) for i, n in enumerate(names)], left,
                                    height - 8, width - left)
    total_h = max(height, int(legend_bottom))
    plot_h, plot_w = height - top - bottom, width - left - right
    vmax = _nice_max(max((v or 0) for s in series.values() for v in s))
    body, marks = [], 0
    body += _y_axis(vmax, top, plot_h, left, width - right, value_fmt, y_title)

    def px(i: int) -> float:
        return left + (plot_w / 2 if len(xs) == 1 else plot_w * i / (len(xs) - 1))

    for i, x in enumerate(xs):
        body.append(_text(px(i), top + plot_h + 16, x, anchor="middle", size=10))
    for j, n in enumerate(names):
        color = PALETTE[j % len(PALETTE)]
        pts = [(px(i), top + plot_h - plot_h * v / vmax, v) for i, v in enumerate(series[n]) if v is not None]
        if len(pts) > 1:
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in pts)
            body.append(f'<polyline class="mark" points="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
            marks += 1
        for x, y, v in pts:
            body.append(f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                        f"<title>{esc(n)}: {value_fmt(v)}</title></circle>")
            marks += 1
    body += legend
    return _svg(width, total_h, body, label), marks


def heatmap(rows: Sequence[str], cols: Sequence[str], values: Mapping[tuple[str, str], float], *, label: str,
            value_fmt=fmt_num, cell: int = 26) -> tuple[str, int]:
    """Square heatmap (row x col) with a white-to-blue scale."""
    if not rows or not cols:
        return "", 0
    label_w, top = 190, 150
    width, height = label_w + cell * len(cols) + 10, top + cell * len(rows) + 10
    vmax = max(values.values(), default=0) or 1
    body, marks = [], 0
    for j, c in enumerate(cols):
        x = label_w + j * cell + cell / 2
        body.append(_text(x + 3, top - 6, c, size=10, rotate=-55))
    for i, r in enumerate(rows):
        y = top + i * cell
        body.append(_text(label_w - 6, y + cell / 2 + 4, r, anchor="end", size=10))
        for j, c in enumerate(cols):
            x = label_w + j * cell
            v = values.get((r, c))
            if r == c:
                body.append(f'<rect x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="#f4f4f4"/>')
                continue
            t = (v or 0) / vmax
            fill = f"rgb({int(255 - t * (255 - 33))},{int(255 - t * (255 - 102))},{int(255 - t * (255 - 172))})"
            cls = ' class="mark"' if v else ""
            body.append(f'<rect{cls} x="{x}" y="{y}" width="{cell - 1}" height="{cell - 1}" fill="{fill}">'
                        f"<title>{esc(r)} × {esc(c)}: {value_fmt(v or 0)}</title></rect>")
            marks += bool(v)
            if v:
                body.append(_text(x + cell / 2 - 0.5, y + cell / 2 + 3.5, fmt_num(v), anchor="middle", size=9,
                                  fill="#fff" if t > 0.55 else INK))
    return _svg(width, height, body, label), marks


def histogram_counts(values: Sequence[float], bins: Sequence[tuple[float, float]]) -> list[int]:
    return [sum(1 for v in values if lo <= v < hi) for lo, hi in bins]


def bin_label(lo: float, hi: float, unit: str) -> str:
    if math.isinf(hi):
        return f"≥{fmt_num(lo)}{unit}"
    return f"{fmt_num(lo)}–{fmt_num(hi if hi < 100 or unit != '%' else 100)}{unit}"


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _table_html(df: pl.DataFrame, columns: Sequence[tuple[str, str]], formats: Mapping[str, Callable] | None = None,
                max_rows: int = 20) -> str:
    formats = formats or {}
    head = "".join(f"<th>{esc(title)}</th>" for _, title in columns)
    rows = []
    for rec in df.head(max_rows).iter_rows(named=True):
        cells = []
        for col, _ in columns:
            v = rec.get(col)
            s = formats[col](v) if col in formats else (fmt_num(v) if isinstance(v, (int, float)) and
                                                          not isinstance(v, bool) else esc(v if v is not None else "–"))
            cells.append(f"<td>{s}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = f'<p class="note">showing {min(max_rows, df.height)} of {df.height} rows</p>' if df.height > max_rows else ""
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>{more}'


class _Charts:
    def __init__(self) -> None:
        self.marks: dict[str, int] = {}

    def figure(self, chart_id: str, title: str, chart: tuple[str, int], caption: str = "") -> str:
        svg, marks = chart
        self.marks[chart_id] = marks
        body = svg if svg and marks else '<p class="empty">no data</p>'
        cap = f'<figcaption>{esc(caption)}</figcaption>' if caption else ""
        return (f'<figure class="chart" id="{chart_id}" data-marks="{marks}"><h3>{esc(title)}</h3>'
                f"{body}{cap}</figure>")


def _tile(label: str, value: object, note: str = "") -> str:
    return (f'<div class="tile"><div class="tile-value">{esc(value)}</div><div class="tile-label">{esc(label)}</div>'
            f'{f"<div class=tile-note>{esc(note)}</div>" if note else ""}</div>')


def build_report(tables: Mapping[str, pl.DataFrame], *, generated_at: dt.datetime | None = None,
                 warehouse: str = "", top_topics: int = 8) -> tuple[str, dict[str, int]]:
    """HTML of the report and the number of drawn marks per chart id."""
    g = {k.split("/")[-1]: v for k, v in tables.items()}
    empty = pl.DataFrame()
    trends = g.get("topic_trends", empty)
    catalog_df = g.get("paper_catalog", empty)
    leaderboard = g.get("benchmark_leaderboard", empty)
    claims = g.get("paper_claims", empty)
    by_topic = g.get("claims_by_topic", empty)
    sizes = g.get("model_size_distribution", empty)
    cooc = g.get("topic_cooccurrence", empty)
    arrivals = g.get("daily_arrivals", empty)
    dumps = g.get("dump_quality", empty)
    results = g.get("benchmark_results", empty)
    charts = _Charts()
    generated_at = generated_at or dt.datetime.now(dt.UTC)

    # --- KPIs -----------------------------------------------------------------------------------
    n_papers = catalog_df.height
    n_listings = int(dumps["listings"].sum()) if dumps.height else 0
    n_dups = int(dumps["duplicate_listings"].sum()) if dumps.height else 0
    n_quar = int(dumps["quarantined"].sum()) if dumps.height else 0
    tiles = "".join([
        _tile("papers", f"{n_papers:,}"),
        _tile("listings", f"{n_listings:,}", f"{dumps.height} dumps"),
        _tile("duplicates resolved", f"{n_dups:,}", f"{n_dups / n_listings:.1%} of listings" if n_listings else ""),
        _tile("quarantined fragments", f"{n_quar:,}"),
        _tile("benchmark scores", f"{results.height:,}", f"{leaderboard.height} leaderboards"),
        _tile("efficiency & size claims", f"{claims.height:,}"),
    ])

    # --- Topic trends ---------------------------------------------------------------------------
    topic_sections = []
    if trends.height:
        totals = trends.group_by("topic").agg(pl.col("papers").sum()).sort(["papers", "topic"],
                                                                              descending=[True, False])
        top = totals["topic"].head(top_topics).to_list()
        periods = sorted(trends["period_start"].unique().to_list())
        xs = [p.strftime("%Y-%m") for p in periods]
        piv = {(r["topic"], r["period_start"]): r["share"] for r in trends.iter_rows(named=True)}
        series = {t: [100 * (piv.get((t, p)) or 0.0) for p in periods] for t in top}
        topic_sections.append(charts.figure(
            "chart-topic-trends", f"Topic share of listed papers per month (top {len(top)} topics)",
            line_chart(xs, series, label="topic share per month", value_fmt=lambda v: f"{v:.1f}%",
                       y_title="% of the month's papers"),
            "gold.topic_trends.share: papers with the topic / papers listed in the month."))
        new = trends.group_by("topic").agg(pl.col("new_papers").sum()).sort(["new_papers", "topic"],
                                                                             descending=[True, False])
    else:
        topic_sections.append(charts.figure("chart-topic-trends", "Topic share of listed papers per month", ("", 0)))
        new = pl.DataFrame({"topic": [], "new_papers": []})
    topic_sections.append(charts.figure(
        "chart-topic-totals", "Papers per topic (first seen, all months)",
        hbar_chart([(r["topic"], r["new_papers"], "") for r in new.iter_rows(named=True)],
                   label="papers per topic"),
        "Sum of gold.topic_trends.new_papers; a paper counts under each of its topics."))

    # --- Benchmarks -----------------------------------------------------------------------------
    bench_sections = []
    if leaderboard.height:
        lb = leaderboard.with_columns(
            pl.when(pl.col("metric") == "unspecified").then(pl.col("benchmark"))
            .otherwise(pl.format("{} · {}", "benchmark", "metric")).alias("_name"))
        by_results = lb.sort(["results", "papers", "_name"], descending=[True, True, False]).head(15)
        bench_sections.append(charts.figure(
            "chart-benchmark-results", "Reported scores per benchmark (top 15 leaderboards)",
            hbar_chart([(r["_name"] + f" ({r['unit']})", r["results"],
                         f"{r['results']} scores from {r['papers']} paper(s)") for r in by_results.iter_rows(named=True)],
                       label="scores per benchmark", color=PALETTE[1]),
            "gold.benchmark_leaderboard.results"))
        pct = lb.filter(pl.col("unit") == "%").sort(["papers", "results", "best_value"],
                                                      descending=[True, True, True]).head(15)
        bench_sections.append(charts.figure(
            "chart-benchmark-best", "Best reported value per benchmark (% metrics)",
            hbar_chart([(r["_name"], r["best_value"],
                         f"{r['_name']}: best {fmt_num(r['best_value'])}% ({'lower' if r['lower_is_better'] else 'higher'}"
                         f" is better) — {r['best_title']}") for r in pct.iter_rows(named=True)],
                       label="best value per benchmark", value_fmt=lambda v: f"{v:.3g}%", color=PALETTE[4]),
            "gold.benchmark_leaderboard.best_value (lower is better for error metrics such as WER)."))
        bench_sections.append(_table_html(
            lb.sort(["results", "papers", "_name"], descending=[True, True, False]),
            [("benchmark", "benchmark"), ("metric", "metric"), ("unit", "unit"), ("results", "scores"),
             ("papers", "papers"), ("best_value", "best"), ("median_value", "median"), ("best_title", "best paper")],
            max_rows=15))
    else:
        bench_sections.append(charts.figure("chart-benchmark-results", "Reported scores per benchmark", ("", 0)))
        bench_sections.append(charts.figure("chart-benchmark-best", "Best reported value per benchmark", ("", 0)))

    # --- Claims: speedups, reductions, model sizes ---------------------------------------------------
    claim_sections = []
    speed = claims.filter((pl.col("claim_type") == "speedup") & (pl.col("unit") == "x"))["value"].to_list() \
        if claims.height else []
    claim_sections.append(charts.figure(
        "chart-speedup-distribution", f"Speedup claims (×), {len(speed)} mentions",
        vbar_chart([bin_label(lo, hi, "×") for lo, hi in SPEEDUP_BINS],
                   {"claims": histogram_counts(speed, SPEEDUP_BINS)}, label="speedup distribution",
                   colors=[PALETTE[0]], y_title="mentions"),
        "gold.paper_claims where claim_type = 'speedup' and unit = 'x'."))
    red = claims.filter((pl.col("claim_type") == "reduction") & (pl.col("unit") == "%"))["value"].to_list() \
        if claims.height else []
    red_x = claims.filter((pl.col("claim_type") == "reduction") & (pl.col("unit") == "x"))["value"].to_list() \
        if claims.height else []
    claim_sections.append(charts.figure(
        "chart-reduction-distribution",
        f"Reduction / compression claims: {len(red)} in %, {len(red_x)} as ratios (×)",
        vbar_chart([bin_label(lo, hi, "%") for lo, hi in PERCENT_BINS] + [bin_label(lo, hi, "×") for lo, hi in
                                                                         SPEEDUP_BINS[2:]],
                   {"%": histogram_counts(red, PERCENT_BINS) + [0] * len(SPEEDUP_BINS[2:]),
                    "×": [0] * len(PERCENT_BINS) + histogram_counts(red_x, SPEEDUP_BINS[2:])},
                   label="reduction distribution", colors=[PALETTE[2], PALETTE[6]], y_title="mentions"),
        "gold.paper_claims where claim_type = 'reduction' (memory, cost, FLOPs, compression ratio...)."))
    if sizes.height:
        sz = sizes.sort("bucket_order")
        claim_sections.append(charts.figure(
            "chart-model-sizes", "Model sizes mentioned (parameters)",
            vbar_chart(sz["size_bucket"].to_list(), {"papers (largest model)": sz["papers_by_largest"].to_list(),
                                                    "mentions": sz["mentions"].to_list()},
                       label="model size distribution", stacked=False, colors=[PALETTE[3], PALETTE[9]],
                       y_title="count"),
            "gold.model_size_distribution: papers by their largest mentioned model, and all mentions."))
    else:
        claim_sections.append(charts.figure("chart-model-sizes", "Model sizes mentioned", ("", 0)))
    sp_topic = by_topic.filter((pl.col("claim_type") == "speedup") & (pl.col("unit") == "x")).sort(
        ["claims", "topic"], descending=[True, False]).head(12) if by_topic.height else by_topic
    claim_sections.append(charts.figure(
        "chart-speedup-by-topic", "Median speedup claimed, by topic (× ; topics with most claims)",
        hbar_chart([(r["topic"], r["median_value"],
                     f"{r['topic']}: median {fmt_num(r['median_value'])}×, max {fmt_num(r['max_value'])}× "
                     f"({r['claims']} claims, {r['papers']} papers)") for r in sp_topic.iter_rows(named=True)],
                   label="median speedup by topic", value_fmt=lambda v: f"{v:.3g}×", color=PALETTE[5]),
        "gold.claims_by_topic (claim_type = 'speedup', unit = 'x')."))

    # --- Co-occurrence ------------------------------------------------------------------------------
    if cooc.height and trends.height:
        top_c = totals["topic"].head(12).to_list()
        vals = {(r["topic_a"], r["topic_b"]): r["papers_both"] for r in cooc.iter_rows(named=True)
                if r["topic_a"] in top_c and r["topic_b"] in top_c}
        cooc_fig = charts.figure("chart-topic-cooccurrence", "Topic co-occurrence (papers tagged with both)",
                                 heatmap(top_c, top_c, vals, label="topic co-occurrence"),
                                 "gold.topic_cooccurrence.papers_both for the 12 largest topics.")
    else:
        cooc_fig = charts.figure("chart-topic-cooccurrence", "Topic co-occurrence", ("", 0))

    # --- Arrivals, dedup and quality ------------------------------------------------------------------
    if arrivals.height:
        ar = arrivals.sort("listing_date")
        arr_fig = charts.figure(
            "chart-arrivals", "Arrivals per listing date",
            vbar_chart([f"{d:%Y-%m-%d}{'*' if s != 'page' else ''}" for d, s in
                        zip(ar["listing_date"].to_list(), ar["date_source"].to_list(), strict=True)],
                       {"new papers": ar["new_papers"].to_list(), "relisted papers": ar["relisted_papers"].to_list(),
                        "duplicate listings": ar["duplicate_listings"].to_list()},
                       label="arrivals per listing date", colors=[PALETTE[0], PALETTE[1], PALETTE[2]],
                       y_title="listings"),
            "gold.daily_arrivals; * = date of ingestion (the dump shows no page date).")
    else:
        arr_fig = charts.figure("chart-arrivals", "Arrivals per listing date", ("", 0))
    if dumps.height:
        dq = dumps.sort("ingested_at", "file_name")
        names = [f"{n[:18]}" for n in dq["file_name"].to_list()]
        dedup_fig = charts.figure(
            "chart-dedup", "Deduplication per dump (listings by outcome)",
            vbar_chart(names, {"new paper": dq["new_papers"].to_list(), "dup: arXiv id": dq["dup_by_arxiv_id"].to_list(),
                               "dup: title": dq["dup_by_title"].to_list(),
                               "dup: near-duplicate": dq["dup_by_near_duplicate"].to_list(),
                               "quarantined": dq["quarantined"].to_list()},
                       label="deduplication per dump", colors=[PALETTE[0], PALETTE[6], PALETTE[1], PALETTE[5], PALETTE[2]],
                       y_title="entries"),
            "gold.dump_quality: which rule resolved each listing; quarantined fragments on top.")
        quality_fig = charts.figure(
            "chart-quality", "Data quality per dump (rates)",
            vbar_chart(names, {"duplicate rate %": [100 * v for v in dq["duplicate_rate"].to_list()],
                               "quarantine rate %": [100 * v for v in dq["quarantine_rate"].to_list()],
                               "missing abstract %": [100 * (m / n if n else 0) for m, n in
                                                      zip(dq["missing_abstracts"].to_list(), dq["listings"].to_list(),
                                                          strict=True)],
                               "units not accounted %": [100 * (1 - v) if v is not None else 0
                                                         for v in dq["unit_coverage"].to_list()]},
                       label="quality per dump", stacked=False,
                       colors=[PALETTE[1], PALETTE[2], PALETTE[8], PALETTE[4]],
                       value_fmt=lambda v: f"{v:.3g}%", y_title="%"),
            "gold.dump_quality: duplicate_rate, quarantine_rate, missing_abstracts / listings, 1 - unit_coverage "
            "(lines/records neither parsed, quarantined nor recognised as page furniture).")
        dq_table = _table_html(
            dq, [("file_name", "file"), ("format", "format"), ("listing_date", "page date"), ("listings", "listings"),
                 ("quarantined", "quarantined"), ("new_papers", "new papers"), ("duplicate_listings", "duplicates"),
                 ("missing_abstracts", "no abstract"), ("unit_coverage", "units accounted")],
            formats={"unit_coverage": lambda v: "–" if v is None else f"{v:.1%}"})
    else:
        dedup_fig = charts.figure("chart-dedup", "Deduplication per dump", ("", 0))
        quality_fig = charts.figure("chart-quality", "Data quality per dump", ("", 0))
        dq_table = ""

    table_rows = "".join(
        f"<tr><td><code>{esc(name.replace('/', '.'))}</code></td><td>{df.height:,}</td></tr>"
        for name, df in sorted(tables.items()))
    body = f"""
<header>
  <h1>paperlake — research-paper listings report</h1>
  <p class="note">Generated {generated_at:%Y-%m-%d %H:%M} UTC from the gold Delta tables{
      f' of <code>{esc(warehouse)}</code>' if warehouse else ''}. Query the same data in
  <code>serving.duckdb</code> (schema <code>gold</code>) or with <code>paperlake sql</code>.</p>
</header>
<section class="tiles">{tiles}</section>
<section><h2>Topic trends</h2><div class="grid">{''.join(topic_sections)}</div></section>
<section><h2>Benchmark leaderboards</h2><div class="grid">{''.join(bench_sections[:2])}</div>
  {''.join(bench_sections[2:])}</section>
<section><h2>Speedup, compression and model-size claims</h2><div class="grid">{''.join(claim_sections)}</div></section>
<section><h2>Topic co-occurrence</h2>{cooc_fig}</section>
<section><h2>Arrivals, deduplication and data quality</h2><div class="grid">{arr_fig}{dedup_fig}{quality_fig}</div>
  {dq_table}</section>
<section><h2>Tables behind this report</h2><table class="data"><thead><tr><th>table</th><th>rows</th></tr></thead>
  <tbody>{table_rows}</tbody></table></section>
"""
    return _page(body), charts.marks


_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:24px auto;max-width:1380px;
color:#222;background:#fafafa;padding:0 16px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{font-size:14px;margin:0 0 8px;color:#333}
.note{color:#666;font-size:12px}.empty{color:#b00;font-style:italic}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.tile{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:150px}
.tile-value{font-size:24px;font-weight:600}.tile-label{color:#555;font-size:12px}.tile-note{color:#888;font-size:11px}
.grid{display:flex;flex-wrap:wrap;gap:16px}
figure.chart{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:0;overflow-x:auto}
figcaption{color:#777;font-size:11px;margin-top:6px;max-width:640px}
svg.chart-svg{display:block;font-family:inherit}
table.data{border-collapse:collapse;background:#fff;font-size:12px;margin-top:12px}
table.data th,table.data td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
table.data th{background:#f0f0f0}
"""

# Measures what the browser actually drew; a headless browser's --dump-dom shows the result.
_RENDER_CHECK = """
(function(){var out={};document.querySelectorAll('figure.chart').forEach(function(f){
var n=0;f.querySelectorAll('.mark').forEach(function(m){var b=m.getBBox();
if(m.tagName==='rect'?(b.width>0&&b.height>0):(b.width>0||b.height>0))n++;});
var s=f.querySelector('svg');var r=s?s.getBoundingClientRect():{width:0,height:0};
out[f.id]={marks:n,width:Math.round(r.width),height:Math.round(r.height)};});
document.documentElement.setAttribute('data-render-check',JSON.stringify(out));})();
"""


def _page(body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>paperlake report</title><style>{_CSS}</style></head><body>{body}"
            f"<script>{_RENDER_CHECK}</script></body></html>\n")


def write_report(tables: Mapping[str, pl.DataFrame], path: str | Path, **kwargs) -> tuple[Path, dict[str, int]]:
    """Write the report atomically (temp file + os.replace); returns (path, marks per chart)."""
    import os

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page, marks = build_report(tables, **kwargs)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path, marks


def load_tables(store, tables: Sequence[str] = REPORT_TABLES) -> dict[str, pl.DataFrame]:
    """The report's gold tables from a DeltaStore (missing tables are skipped)."""
    return {t: store.read(t) for t in tables if store.exists(t)}
