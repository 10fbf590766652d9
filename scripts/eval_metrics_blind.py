"""Score the metric extractor on dev gold and on the blind labelled set (tune / lockbox halves).

    .venv/bin/python scripts/eval_metrics_blind.py              # aggregate scores
    .venv/bin/python scripts/eval_metrics_blind.py --errors     # + per-mention errors of the TUNE half only
    .venv/bin/python scripts/eval_metrics_blind.py --errors --errors-set lockbox3_tune   # or dev / tune / lockbox3_tune
    .venv/bin/python scripts/eval_metrics_blind.py --module /tmp/x/extraction_orig.py   # another extractor copy
    .venv/bin/python scripts/eval_metrics_blind.py --agreement  # second labellings of 80 labelled papers (needs ../shared)

The lockbox splits ("lockbox", "lockbox2", "lockbox3") are only ever reported in aggregate (their
per-paper errors are never printed). Batch 5 was split by sha1(title) parity into "lockbox3_tune"
(errors may be inspected) and "lockbox3" (aggregate only); batch 6 likewise into "lockbox4_tune" and
"lockbox4"; batch 7 ("tune7") is inspectable; batch 8 ("lockbox5") is aggregate-only;
batches 9 and 10 ("tune9", "tune10") are inspectable; batch 11 ("lockbox6": 30 seed-dump + 30
recent out-of-niche abstracts) is aggregate-only; batch 12 ("tune12") is inspectable; batch 13
(30 seed-dump + 30 recent out-of-niche) is split by sha1(title) parity into "tune13" (inspectable)
and "lockbox7" (aggregate only); batch 14 ("lockbox8": 17 seed-dump + 43 recent out-of-niche, labelled
after metrics-1.3.11) is aggregate-only; batch 15 (20 seed-dump + 40 recent out-of-niche, session 15) is
split by sha1(title) parity into "tune15" (inspectable) and "lockbox9" (aggregate only); batch 16 (40 seed-dump +
80 recent out-of-niche arXiv abstracts, session 18) likewise into "tune16" and "lockbox10", and batch 17 (120
recent out-of-niche HF daily and arXiv abstracts, session 18) into "tune17" and "lockbox11"; batch 18 ("lockbox12":
30 seed-dump + 90 recent out-of-niche, labelled after metrics-1.3.16) is aggregate-only; batch 19 (20 seed-dump
without digits + 58 recent out-of-niche, session 21) is split by sha1(title) parity into "tune19" and "lockbox13"; batch 20 (30 arXiv LLM-efficiency + 51 recent
out-of-niche, session 22) likewise into "tune20" and "lockbox14". "blind" is all
labelled blind records together.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from paperlake.evaluation import load_gold, locate_gold_span, score_metrics

DEV_GOLD = ROOT.parent / "shared" / "gold" / "dev_gold.json"
BLIND = ROOT / "tests" / "data" / "metric_labels_blind1.json"
AGREEMENT = ROOT / "tests" / "data" / "metric_labels_agreement.json"
# sets whose per-mention errors may be printed; lockbox splits are aggregate-only
INSPECTABLE = ("dev", "tune", "lockbox3_tune", "lockbox4_tune", "tune7", "tune9", "tune10", "tune12", "tune13", "tune15",
               "tune16", "tune17", "tune19", "tune20")


def _extractor(module_path: str | None):
    if not module_path:
        from paperlake.extraction import extract_mentions

        return extract_mentions
    spec = importlib.util.spec_from_file_location("extraction_under_test", module_path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.extract_mentions


def _line(name: str, r: dict) -> str:
    return (
        f"{name:<13} F1 {r['f1']:.3f}  P {r['precision']:.3f}  R {r['recall']:.3f} | value {r['value_accuracy']:.3f}"
        f"  kind {r['kind_accuracy']:.3f}  bench {r['benchmark_accuracy']:.3f} | papers {r['n_papers']}"
        f"  pred {r['n_pred']}  gold {r['n_gold']}  matched {r['n_matched']}  unlocated {r['n_gold_unlocated']}"
    )


def _as_predictions(records: list[dict]) -> dict[str, list[dict]]:
    """A labelling's mentions with the spans :func:`score_metrics` matches on."""
    out = {}
    for r in records:
        spans = [(m, locate_gold_span(r["abstract"], m["mention"], m.get("occurrence"))) for m in r["metrics"]]
        out[r["id"]] = [{**m, "span_start": sp[0], "span_end": sp[1]} for m, sp in spans if sp is not None]
    return out


def agreement(references: dict[str, list[dict]], extract) -> None:
    """Second labellings of 40 dev-gold papers and of 40 recent out-of-niche abstracts, against the
    reference labels (dev gold; the blind set's), each other and the extractor: how far careful
    labellings of the spec agree."""
    data = json.loads(AGREEMENT.read_text(encoding="utf-8"))
    for name, labellings in data["sets"].items():
        if references.get(name) is None:
            print(f"{name}: reference labels not found, left out")
            continue
        by_id = {r["id"]: r for r in references[name]}
        sets = {"reference": [by_id[r["id"]] for r in next(iter(labellings.values()))]}
        sets.update({who: [{**by_id[r["id"]], "metrics": r["metrics"]} for r in labels]
                     for who, labels in labellings.items()})
        names = list(sets)
        print(f"{name}: {len(sets['reference'])} papers (row: predictions vs labels)")
        for i, gold in enumerate(names):
            print(_line(f"extractor vs {gold}", score_metrics({r["id"]: extract(r["abstract"]) for r in sets[gold]},
                                                              sets[gold])))
            for other in names[i + 1:]:
                print(_line(f"{other} vs {gold}", score_metrics(_as_predictions(sets[other]), sets[gold])))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--module", help="path of an extraction.py copy to score instead of paperlake.extraction")
    ap.add_argument("--errors", action="store_true", help="print per-mention errors of one inspectable set (--errors-set, default: tune)")
    ap.add_argument("--errors-set", default="tune", choices=sorted(INSPECTABLE),
                    help="which inspectable set --errors prints (never a lockbox split)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--agreement", action="store_true",
                    help="only: second labellings of 40 dev-gold and 40 out-of-niche papers against their reference labels, "
                         "each other and the extractor")
    args = ap.parse_args()
    extract = _extractor(args.module)
    sets = {}
    if DEV_GOLD.exists():
        sets["dev"] = load_gold(DEV_GOLD)
    else:
        print(f"(dev gold not found at {DEV_GOLD}: its row is left out; it lives in the team's shared/ folder)",
              file=sys.stderr)
    blind = load_gold(BLIND)
    if args.agreement:
        return agreement({"dev_gold": sets.get("dev"), "out_of_niche": blind}, extract)

    def split(name: str) -> list[dict]:
        return [r for r in blind if r.get("split") == name]

    def from_source(recs: list[dict], prefix: str, matching: bool = True) -> list[dict]:
        """The records whose source starts with ``prefix`` (or, matching=False, the others)."""
        return [r for r in recs if r.get("source", "").startswith(prefix) == matching]

    def from_seeds(recs: list[dict], seeds: bool = True) -> list[dict]:
        """The records from the seed dumps (or, seeds=False, the others)."""
        return from_source(recs, "seed:", seeds)

    def halves(tune: str, lockbox: str, both: str) -> None:
        """A batch split by sha1(title) parity: its inspectable half, its lockbox half and both together."""
        sets[tune], sets[lockbox] = split(tune), split(lockbox)
        sets[both] = sets[tune] + sets[lockbox]

    sets["tune"] = split("tune")
    sets["lockbox"] = split("lockbox")
    # batch 4: a second lockbox labelled before the metrics-1.2.0 changes (aggregate only)
    sets["lockbox2"] = split("lockbox2")
    # batch 5: labelled before the metrics-1.3.0 changes, split by sha1(title) parity
    halves("lockbox3_tune", "lockbox3", "lockbox3_all")
    # batch 6 (session 13): recent out-of-niche abstracts, split by sha1(title) parity
    halves("lockbox4_tune", "lockbox4", "lockbox4_all")
    sets["tune7"] = split("tune7")  # batch 7: inspectable
    sets["lockbox5"] = split("lockbox5")  # batch 8: aggregate only
    sets["tune9"] = split("tune9")  # batch 9: inspectable
    sets["tune10"] = split("tune10")  # batch 10: inspectable
    sets["lockbox6"] = split("lockbox6")  # batch 11: aggregate only
    sets["tune12"] = split("tune12")  # batch 12: inspectable
    sets["lockbox6_seed"] = from_seeds(sets["lockbox6"])
    sets["lockbox6_out"] = from_seeds(sets["lockbox6"], seeds=False)
    # batch 13 (session 14): 30 seed-dump + 30 recent out-of-niche, split by sha1(title) parity
    halves("tune13", "lockbox7", "batch13_all")
    sets["batch13_seed"] = from_seeds(sets["batch13_all"])
    sets["batch13_out"] = from_seeds(sets["batch13_all"], seeds=False)
    sets["lockbox8"] = split("lockbox8")  # batch 14 (session 14, labelled after metrics-1.3.11): aggregate only
    # batch 15 (session 15): 20 seed-dump (no digits) + 40 recent out-of-niche, split by sha1(title) parity
    halves("tune15", "lockbox9", "batch15_all")
    # batch 16 (session 18): 40 seed-dump + 80 recent out-of-niche arXiv abstracts, split by sha1(title) parity
    halves("tune16", "lockbox10", "batch16_all")
    sets["batch16_seed"] = from_seeds(sets["batch16_all"])
    sets["batch16_out"] = from_seeds(sets["batch16_all"], seeds=False)
    # batch 17 (session 18): 60 HF daily + 60 arXiv recent out-of-niche abstracts, split by sha1(title) parity
    halves("tune17", "lockbox11", "batch17_all")
    sets["lockbox12"] = split("lockbox12")  # batch 18 (session 18, labelled after metrics-1.3.16): aggregate only
    sets["lockbox12_seed"] = from_seeds(sets["lockbox12"])
    sets["lockbox12_out"] = from_seeds(sets["lockbox12"], seeds=False)
    # batch 19 (session 21, labelled after metrics-1.3.18): 20 seed-dump abstracts without digits + 58 recent
    # out-of-niche ones (30 arXiv, 28 HF daily), split by sha1(title) parity
    halves("tune19", "lockbox13", "batch19_all")
    # batch 20 (session 22, labelled after metrics-1.3.20): 30 arXiv LLM-efficiency abstracts (near the seed dumps'
    # niche) + 51 recent out-of-niche ones (25 arXiv, 26 HF daily), split by sha1(title) parity
    halves("tune20", "lockbox14", "batch20_all")
    sets["batch20_niche"] = from_source(sets["batch20_all"], "arxiv-niche:")
    sets["batch20_out"] = from_source(sets["batch20_all"], "arxiv-niche:", matching=False)
    sets["blind"] = blind
    results = {}
    for name, recs in sets.items():
        pred = {r["id"]: extract(r["abstract"]) for r in recs}
        show = args.errors and name == args.errors_set and name in INSPECTABLE
        res = score_metrics(pred, recs, details=show)
        errs = res.pop("errors", [])
        results[name] = res
        print(_line(name, res))
        if show:
            for e in errs:
                if e["type"] == "mismatch":
                    p, g = e["pred"], e["gold"]
                    print(f"  MISMATCH {e['id']} {g['mention']!r}: value {p['value']} vs {g['value']}, kind {p['kind']} vs {g['kind']},"
                          f" bench {p['benchmark']} vs {g['benchmark']}")
                elif e["type"] == "fp":
                    print(f"  FP {e['id']} {e['pred']['mention']!r} ({e['pred']['kind']}, {e['pred']['value']})")
                else:
                    print(f"  FN {e['id']} {e['gold']['mention']!r} ({e['gold']['kind']})")
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
