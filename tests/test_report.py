"""The HTML report: built by its asset, self-contained, and rendered by headless Chromium."""

import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import polars as pl
import pytest

from assets.serving import REPORT, CheckNames
from paperlake import report
from paperlake.delta import DeltaStore

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
# Every chart the report draws (ids of its <figure class="chart">).
CHARTS = {
    "chart-topic-trends", "chart-topic-totals", "chart-benchmark-results", "chart-benchmark-best",
    "chart-speedup-distribution", "chart-reduction-distribution", "chart-model-sizes", "chart-speedup-by-topic",
    "chart-topic-cooccurrence", "chart-arrivals", "chart-dedup", "chart-quality",
}


@pytest.fixture(scope="module")
def built(sample_materialization):
    wh, result = sample_materialization  # read-only
    assert result.success
    mat = next(e.materialization for e in result.get_asset_materialization_events() if e.asset_key == REPORT)
    checks = {c.check_name: c for c in result.get_asset_check_evaluations() if c.asset_key == REPORT}
    return wh, mat, checks


def test_report_asset_links_the_page_and_every_chart_has_marks(built):
    wh, mat, checks = built
    path = report.report_path(wh)
    assert path.is_file()
    assert mat.metadata["report"].value == path.resolve().as_uri()
    assert mat.metadata["path"].value == str(path)
    marks = mat.metadata["marks_per_chart"].value
    assert set(marks) == CHARTS
    assert all(n > 0 for n in marks.values()), marks
    assert mat.metadata["empty_charts"].value == "none"
    assert checks[CheckNames.REPORT_CHARTS].passed


class _Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.external, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        for attr in ("src", "href"):
            url = a.get(attr) or ""
            if tag != "a" and re.match(r"^(https?:)?//", url):
                self.external.append((tag, url))
        if tag == "link":
            self.external.append((tag, a.get("href")))


def test_report_is_self_contained(built):
    page = report.report_path(built[0]).read_text(encoding="utf-8")
    refs = _Refs()
    refs.feed(page)
    assert refs.external == []
    assert "@import" not in page and "url(http" not in page
    assert refs.tags.count("svg") == len(CHARTS)
    assert "<script src" not in page


def test_empty_warehouse_report_says_no_data():
    page, marks = report.build_report({"gold/paper_catalog": pl.DataFrame({"paper_id": []})})
    assert set(marks) == CHARTS and set(marks.values()) == {0}
    assert page.count('class="empty"') == len(CHARTS)


def test_report_tables_are_the_gold_tables(built):
    store = DeltaStore(built[0])
    assert set(report.load_tables(store)) == set(report.REPORT_TABLES)


def _chromium() -> str | None:
    if os.environ.get("PAPERLAKE_CHROMIUM"):
        return os.environ["PAPERLAKE_CHROMIUM"]
    return next((p for p in map(shutil.which, CHROMIUM_CANDIDATES) if p), None)


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_report_renders_in_headless_chromium(built, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("headless Chromium not found (install the Debian package `chromium`: apt-get install -y chromium; "
                    "or set PAPERLAKE_CHROMIUM) - the report's Python-side checks still ran")
    url = report.report_path(built[0]).resolve().as_uri()
    base = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,3000"]

    dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=90)
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'data-render-check="([^"]*)"', dom.stdout)
    assert found, "the report's render check did not run in Chromium"
    rendered = json.loads(html.unescape(found.group(1)))
    assert set(rendered) == CHARTS
    empty = {k: v for k, v in rendered.items() if v["marks"] == 0 or v["width"] < 100 or v["height"] < 100}
    assert empty == {}, empty

    shot = tmp_path / "report.png"
    run = subprocess.run([*base, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=90)
    assert run.returncode == 0 and shot.is_file(), run.stderr[-2000:]
    assert _png_size(shot) == (1400, 3000)
    assert shot.stat().st_size > 100_000  # a blank page compresses to a few KB
