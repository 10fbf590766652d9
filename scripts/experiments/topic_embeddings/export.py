"""Export the labelled sets (train = tune data, heldout = sets never tuned on) with the shipped
lexicon tagger's predictions and selector features. Runs in the project venv."""
import json, os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "scripts")); sys.path.insert(0, str(ROOT))
OUT = Path(os.environ.get("TOPIC_EMB_DIR", "/tmp/paperlake-topic-emb"))
import cv_topics as cv
from paperlake.tagging import load_taxonomy, candidate_features, SELECTOR_FEATURES
import polars as pl
tax = load_taxonomy()
gold = cv.load_gold()
rss = cv.load_rss_papers()
sets = {
    "devgold_look": ("train", [g for g in gold if not cv.is_lockbox(g["id"])]),
    "fixtures": ("train", cv.load_fixture_papers()),
    "rss_even": ("train", [r for r in rss if int(r["id"][3:]) % 2 == 0]),
    "b3_tune": ("train", cv.load_blind3_papers("tune")),
    "b4_tune": ("train", cv.load_blind4_papers("tune")),
    "b5_tune": ("train", cv.load_blind5_papers("tune")),
    "devgold_lock": ("heldout", [g for g in gold if cv.is_lockbox(g["id"])]),
    "rss_odd": ("heldout", [r for r in rss if int(r["id"][3:]) % 2 == 1]),
    "blind2": ("heldout", cv.load_blind2_papers()),
    "b3_lock": ("heldout", cv.load_blind3_papers("lockbox")),
    "b4_lock": ("heldout", cv.load_blind4_papers("lockbox")),
    "b5_lock": ("heldout", cv.load_blind5_papers("lockbox")),
}
out = []
OUT.mkdir(parents=True, exist_ok=True)
for name, (role, recs) in sets.items():
    df = cv.frame(recs)
    pred = cv.predict(df, tax)
    feats = candidate_features(df, tax)
    fmap = {}
    for row in feats.iter_rows(named=True):
        fmap.setdefault(row["paper_id"], {})[row["topic"]] = [row[f] for f in SELECTOR_FEATURES]
    for r in recs:
        out.append({"id": r["id"], "set": name, "role": role, "title": r["title"], "abstract": r.get("abstract") or "",
                    "topics": sorted(r["topics"]), "lex": sorted(pred.get(r["id"], set())), "cand": fmap.get(r["id"], {})})
print({k: len(v[1]) for k, v in sets.items()}, "features", SELECTOR_FEATURES)
json.dump({"features": list(SELECTOR_FEATURES), "records": out}, open(OUT / "data.json", "w"))
