"""The UI is part of the product: `paperlake ui` (webserver + daemon) on a temp instance.

- GraphQL lists every asset with its checks, the landing sensor and every schedule;
- a dump dropped into the landing folder produces exactly one run (for its partition) that
  updates gold; dropping the same bytes again (same name or renamed) produces none; a second
  dump produces one more run and a new gold version;
- a run launched through GraphQL (the daily refresh job) succeeds;
- headless Chromium captures the asset graph (to a temp file; to artifacts/asset-graph.png, the
  committed picture, with PAPERLAKE_UPDATE_ARTIFACTS=1).

Needs the Debian `chromium` package (CI's .ci/run installs it). Slow (~2 min): marked `slow`.
"""

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from paperlake.delta import DeltaStore
from paperlake.settings import PROJECT_ROOT, SAMPLE_DUMPS
from pipelines.definitions import defs
from pipelines.jobs import INGEST_JOB, REFRESH_JOB
from pipelines.landing import dump_key, sha256_file
from pipelines.sensors import SENSOR_NAME

pytestmark = pytest.mark.slow

LOCATION, REPO = "pipelines.definitions", "__repository__"
ARTIFACT = PROJECT_ROOT / "artifacts" / "asset-graph.png"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--window-size=1600,1200"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str, interval: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class UI:
    def __init__(self, port: int, log: Path):
        self.url, self.log = f"http://127.0.0.1:{port}", log

    def gql(self, query: str, variables: dict | None = None) -> dict:
        req = urllib.request.Request(f"{self.url}/graphql", json.dumps({"query": query, "variables": variables or {}}).encode(),
                                     {"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            out = json.load(r)
        assert "errors" not in out, out["errors"]
        return out["data"]

    def ready(self) -> bool:
        try:
            data = self.gql("{ repositoriesOrError { __typename ... on RepositoryConnection { nodes { name } } } }")
        except OSError:
            return False
        return bool(data["repositoriesOrError"].get("nodes"))

    def runs(self) -> list[dict]:
        data = self.gql("{ runsOrError { ... on Runs { results { runId jobName status startTime endTime "
                        "tags { key value } } } } }")
        return [{**r, "tags": {t["key"]: t["value"] for t in r["tags"]}} for r in data["runsOrError"]["results"]]

    def ticks(self, limit: int = 20) -> list[dict]:
        data = self.gql(
            "query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) { ... on Sensor { sensorState { "
            f"ticks(limit: {limit}) {{ status skipReason runIds timestamp cursor }} }} }} }} }}",
            {"s": {"repositoryLocationName": LOCATION, "repositoryName": REPO, "sensorName": SENSOR_NAME}})
        return data["sensorOrError"]["sensorState"]["ticks"]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    base = tmp_path_factory.mktemp("ui")
    home, landing, warehouse = base / "dagster_home", base / "landing", base / "warehouse"
    for d in (home, landing, warehouse):
        d.mkdir()
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "PAPERLAKE_SETTLE_SECONDS": "1",
           "PAPERLAKE_SENSOR_INTERVAL": "2", "PYTHONUNBUFFERED": "1"}
    log = base / "ui.log"
    with open(log, "wb") as out:
        # Own process group: `dagster dev` and its children are stopped together.
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "paperlake"), "ui", "--port", str(port), "--landing", str(landing),
             "--warehouse", str(warehouse)],
            cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    started = time.monotonic()
    handle = UI(port, log)
    try:
        _wait(lambda: proc.poll() is not None or handle.ready(), 180, "the UI to load the code location")
        assert proc.poll() is None, log.read_text()[-3000:]
        print(f"\nUI ready in {time.monotonic() - started:.1f}s")
        yield handle, landing, warehouse
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_graphql_lists_assets_checks_sensor_and_schedules(ui):
    handle, _, _ = ui
    data = handle.gql("{ assetNodes { assetKey { path } isPartitioned "
                      "assetChecksOrError { ... on AssetChecks { checks { name } } } } }")
    nodes = {"/".join(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    graph = defs.resolve_asset_graph()
    assert set(nodes) == {k.to_user_string() for k in graph.get_all_asset_keys()}
    for key in graph.get_all_asset_keys():
        expected = {c.name for c in graph.asset_check_keys if c.asset_key == key}
        got = {c["name"] for c in nodes[key.to_user_string()]["assetChecksOrError"].get("checks", [])}
        assert got == expected, key
    assert nodes["bronze/raw_dumps"]["isPartitioned"] and not nodes["gold/paper_catalog"]["isPartitioned"]

    # daily freshness policies on silver, gold and serving, evaluated by this instance's daemon
    assert handle.gql("{ instance { freshnessEvaluationEnabled } }")["instance"]["freshnessEvaluationEnabled"]
    fresh = handle.gql("{ assetNodes { assetKey { path } internalFreshnessPolicy { "
                       "... on TimeWindowFreshnessPolicy { failWindowSeconds warnWindowSeconds } } } }")
    windows = {"/".join(n["assetKey"]["path"]): n["internalFreshnessPolicy"] for n in fresh["assetNodes"]}
    assert windows["bronze/raw_dumps"] is None
    assert windows["gold/paper_catalog"] == windows["silver/papers"] == windows["serving/duckdb"] == {
        "failWindowSeconds": 50 * 3600, "warnWindowSeconds": 26 * 3600}

    repo = handle.gql("{ repositoriesOrError { ... on RepositoryConnection { nodes { "
                      "sensors { name sensorState { status } } schedules { name cronSchedule scheduleState { status } } "
                      "jobs { name } } } } }")["repositoriesOrError"]["nodes"][0]
    assert {(s["name"], s["sensorState"]["status"]) for s in repo["sensors"]} == {(SENSOR_NAME, "RUNNING")}
    assert {s["name"] for s in repo["schedules"]} == {s.name for s in defs.schedules}
    assert all(s["scheduleState"]["status"] == "RUNNING" for s in repo["schedules"])
    assert {INGEST_JOB, REFRESH_JOB, "paperlake_job"} <= {j["name"] for j in repo["jobs"]}


def test_dropped_dump_runs_once_and_a_redrop_runs_nothing(ui):
    handle, landing, warehouse = ui
    sample = sorted(SAMPLE_DUMPS.iterdir())[0]
    key = dump_key(sha256_file(sample))
    dropped = time.time()
    tmp = landing / (sample.name + ".part")  # copied under a temporary name, then renamed
    shutil.copy(sample, tmp)
    os.rename(tmp, landing / sample.name)

    def done():
        runs = [r for r in handle.runs() if r["tags"].get("dagster/sensor_name") == SENSOR_NAME]
        return runs if runs and all(r["status"] in ("SUCCESS", "FAILURE", "CANCELED") for r in runs) else None

    runs = _wait(done, 240, "the sensor's run to finish")
    [run] = runs
    assert run["status"] == "SUCCESS", handle.log.read_text()[-3000:]
    assert run["jobName"] == INGEST_JOB and run["tags"]["dagster/partition"] == key
    print(f"\ndrop -> run finished: {run['endTime'] - dropped:.1f}s (run {run['endTime'] - run['startTime']:.1f}s)")
    store = DeltaStore(warehouse)
    assert store.count("bronze/raw_dumps") == 1 and store.version("gold/paper_catalog") == 0
    assert store.count("gold/paper_catalog") > 0

    # The UI shows the Delta version on each materialization.
    mats = handle.gql('{ assetOrError(assetKey: {path: ["gold", "paper_catalog"]}) { ... on Asset { '
                      'assetMaterializations(limit: 1) { runId metadataEntries { label '
                      '... on IntMetadataEntry { intValue } } } } } }')["assetOrError"]["assetMaterializations"]
    entries = {e["label"]: e.get("intValue") for e in mats[0]["metadataEntries"]}
    assert mats[0]["runId"] == run["runId"] and entries["delta_version"] == 0

    # Drop the same bytes again: same name and a new name. The sensor skips them, visibly.
    redropped = time.time()
    shutil.copy(sample, landing / sample.name)
    shutil.copy(sample, landing / "again.txt")

    def skipped_redrop():
        return [t for t in handle.ticks() if t["timestamp"] > redropped and t["status"] == "SKIPPED"
                and "re-dropped" in (t["skipReason"] or "")]

    try:
        [tick, *_] = _wait(skipped_redrop, 90, "a tick that skips the re-dropped files")
    except AssertionError as e:
        raise AssertionError(f"{e}; re-dropped at {redropped}; ticks: {handle.ticks(8)}") from None
    assert "again.txt" in tick["skipReason"]
    assert len(tick["cursor"]) < 200
    time.sleep(3)
    assert len([r for r in handle.runs() if r["tags"].get("dagster/sensor_name") == SENSOR_NAME]) == 1
    assert store.count("bronze/raw_dumps") == 1

    # A second, different dump: one more run, and the existing gold tables get a new version.
    second = sorted(SAMPLE_DUMPS.iterdir())[1]
    shutil.copy(second, landing / second.name)
    runs = _wait(lambda: (r := done()) and len(r) == 2 and r, 240, "the second dump's run")
    assert {r["status"] for r in runs} == {"SUCCESS"}
    assert {r["tags"]["dagster/partition"] for r in runs} == {key, dump_key(sha256_file(second))}
    assert store.count("bronze/raw_dumps") == 2 and store.version("gold/paper_catalog") == 1


def test_launch_a_run_through_graphql(ui):
    handle, _, warehouse = ui
    if not DeltaStore(warehouse).exists("bronze/listings"):
        pytest.skip("needs the bronze tables of the previous test")
    out = handle.gql(
        "mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename "
        "... on LaunchRunSuccess { run { runId } } ... on PythonError { message } "
        "... on RunConfigValidationInvalid { errors { message } } } }",
        {"p": {"selector": {"repositoryLocationName": LOCATION, "repositoryName": REPO, "jobName": REFRESH_JOB},
               "runConfigData": {}}})["launchRun"]
    assert out["__typename"] == "LaunchRunSuccess", out
    run_id = out["run"]["runId"]
    started = time.monotonic()

    def finished():
        r = handle.gql('query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }', {"id": run_id})
        status = r["runOrError"]["status"]
        return status if status in ("SUCCESS", "FAILURE", "CANCELED") else None

    assert _wait(finished, 300, "the launched run") == "SUCCESS", handle.log.read_text()[-3000:]
    print(f"\nGraphQL-launched {REFRESH_JOB} (multiprocess): {time.monotonic() - started:.1f}s")


# Click every button showing the icon (aria-label) %s.
_CLICK_ICON = """[...document.querySelectorAll('button')]
  .filter(b => b.querySelector('[aria-label="%s"]')).forEach(b => b.click()); true"""
# [left, top, right, bottom, window width, window height] around the nodes labelled with the
# JSON list %s, or null while some are not rendered.
_BBOX = """(() => { const names = new Set(%s);
  const els = [...document.querySelectorAll('div, span')].filter(
    e => e.children.length === 0 && names.has(e.innerText.trim()));
  if (new Set(els.map(e => e.innerText.trim())).size < names.size) return null;
  const rs = els.map(e => e.getBoundingClientRect());
  return [Math.min(...rs.map(r => r.left)), Math.min(...rs.map(r => r.top)),
          Math.max(...rs.map(r => r.right)), Math.max(...rs.map(r => r.bottom)), innerWidth, innerHeight]; })()"""


def self_center(call, js, labels: list[str]) -> None:
    """Drag the graph so the bounding box of ``labels`` is centred in the window."""
    box = js(_BBOX % json.dumps(labels))
    if not box:
        return
    # Press on empty canvas (a press on a node would select it), outside the nodes' box.
    w, h = box[4], box[5]
    x0, y0 = next(((x, y) for x, y in [(90, 130), (90, h - 30), (w - 160, 130), (w / 2, h - 20)]
                   if not (box[0] - 20 <= x <= box[2] + 20 and box[1] - 20 <= y <= box[3] + 20)), (90, h - 30))
    dx, dy = w / 2 - (box[0] + box[2]) / 2, (h + 100) / 2 - (box[1] + box[3]) / 2
    call("Input.dispatchMouseEvent", type="mousePressed", x=x0, y=y0, button="left", clickCount=1)
    for i in range(1, 11):
        call("Input.dispatchMouseEvent", type="mouseMoved", x=x0 + dx * i / 10, y=y0 + dy * i / 10,
             button="left", buttons=1)
    call("Input.dispatchMouseEvent", type="mouseReleased", x=x0 + dx, y=y0 + dy, button="left", clickCount=1)
    time.sleep(1.0)


def _cdp_screenshot(url: str, out: Path, labels: list[str]) -> None:
    """Open ``url`` in headless Chromium, expand every asset group (Alt+E), zoom until every node
    in ``labels`` is visible, save a PNG."""
    from websockets.sync.client import connect

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:  # as the report's rendering test: skipped on a machine without it, never in CI
        message = "headless Chromium is needed: apt-get install -y chromium (CI's .ci/run installs it)"
        assert not os.environ.get("CI"), message
        pytest.skip(message)
    port = _free_port()
    profile = tempfile.mkdtemp(prefix="paperlake-chromium-")
    proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
                             "--remote-allow-origins=*", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        def page_ws():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                    return next((t["webSocketDebuggerUrl"] for t in json.load(r) if t["type"] == "page"), None)
            except OSError:
                return None

        with connect(_wait(page_ws, 60, "Chromium's DevTools endpoint", 0.3), max_size=None) as ws:
            counter = iter(range(1, 10**6))

            def call(method, **params):
                msg_id = next(counter)
                ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
                while True:
                    msg = json.loads(ws.recv(timeout=60))
                    if msg.get("id") == msg_id:
                        assert "error" not in msg, msg
                        return msg.get("result", {})

            def js(expression):
                return call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

            def text():
                return js("document.body ? document.body.innerText : ''") or ""

            call("Page.navigate", url=url)
            _wait(lambda: "bronze" in text() and "silver" in text(), 90, "the asset graph to render", 0.5)
            time.sleep(1.0)
            for kind in ("rawKeyDown", "keyUp"):  # Alt+E: expand all groups
                call("Input.dispatchKeyEvent", type=kind, modifiers=1, key="e", code="KeyE",
                     windowsVirtualKeyCode=69)
            _wait(lambda: "paper_catalog" in text(), 30, "the groups to expand", 0.5)
            # Hide the navigation and the group tree, then zoom out until every node is in view.
            js(_CLICK_ICON % "panel_show_right")
            time.sleep(0.5)
            for _ in range(12):
                time.sleep(1.0)
                box = js(_BBOX % json.dumps(labels))
                if box and box[2] - box[0] < 0.9 * box[4] and box[3] - box[1] < 0.85 * box[5]:
                    break
                js(_CLICK_ICON % "zoom_out")

            def fits(b):  # inside the canvas: below the toolbar, clear of the zoom controls
                return b and b[0] > 80 and b[1] > 110 and b[2] < b[4] - 80 and b[3] < b[5] - 10

            self_center(call, js, labels)
            for _ in range(4):  # then zoom back in while everything still fits
                js(_CLICK_ICON % "zoom_in")
                time.sleep(1.0)
                if not fits(js(_BBOX % json.dumps(labels))):
                    js(_CLICK_ICON % "zoom_out")
                    time.sleep(1.0)
                    break
            self_center(call, js, labels)
            time.sleep(1.5)
            png = base64.b64decode(call("Page.captureScreenshot", format="png")["data"])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(png)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


def test_screenshot_of_the_asset_graph(ui, tmp_path):
    handle, _, _ = ui
    out = ARTIFACT if os.environ.get("PAPERLAKE_UPDATE_ARTIFACTS") == "1" else tmp_path / ARTIFACT.name
    started = time.monotonic()
    # Node labels short enough not to be elided: the first and last layers must both be in view.
    labels = sorted({k.path[-1] for k in defs.resolve_asset_graph().get_all_asset_keys() if len(k.path[-1]) <= 13})
    _cdp_screenshot(f"{handle.url}/asset-groups", out, labels)
    png = out.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    print(f"\nscreenshot {out} ({len(png)} bytes) in {time.monotonic() - started:.1f}s")
