#!/usr/bin/env bash
# Ours against the PyTorch peer, alternated: submit/bench-vs-torch.sh BENCH [PAIRS] [--key value ...]
#   BENCH: train_step or fisher; PAIRS (default 5) runs of each, the order flipped every pair so
#   neither side always runs first. Prints every run's JSON line, then one summary line with both
#   medians and the median of the per-pair ratios (ours / PyTorch for images_per_s, PyTorch / ours
#   for seconds: above 1 means we are faster). THREADS (default 2) as for submit/bench.sh.
# Needs /usr/bin/python3 with torch (Debian: apt-get install -y python3-torch).
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH="$1"
shift
PAIRS=5
if [[ $# -gt 0 && "$1" != --* ]]; then
  PAIRS="$1"
  shift
fi
THREADS="${THREADS:-2}"
case "$BENCH" in
  train_step) PEER=src/bench/python/torch_step.py FIGURE=images_per_s ;;
  fisher) PEER=src/bench/python/torch_fisher.py FIGURE=seconds ;;
  *) echo "no PyTorch peer for $BENCH" >&2; exit 2 ;;
esac

ours() { THREADS="$THREADS" submit/bench.sh "$BENCH" "$@"; }
peer() {
  OMP_NUM_THREADS="$THREADS" OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 "$PEER" --threads "$THREADS" "$@"
}

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
echo "{\"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
for ((i = 0; i < PAIRS; i++)); do
  if ((i % 2 == 0)); then
    ours "$@" | tee -a "$LOG"
    peer "$@" | tee -a "$LOG"
  else
    peer "$@" | tee -a "$LOG"
    ours "$@" | tee -a "$LOG"
  fi
done
echo "{\"load_after\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
/usr/bin/python3 - "$LOG" "$FIGURE" "$BENCH" <<'PY'
import json, statistics, sys
log, figure, bench = sys.argv[1:]
rows = [json.loads(l) for l in open(log) if l.strip()]
ours = [r[figure] for r in rows if r.get("impl") == "nd4j"]
peer = [r[figure] for r in rows if r.get("impl") == "pytorch"]
pairs = list(zip(ours, peer))
ratio = [o / p if figure == "images_per_s" else p / o for o, p in pairs]
first = rows[0]
print(json.dumps({"bench": bench, "summary": True, "width": first.get("width"), "batch": first.get("batch"),
                  "threads": first.get("threads"), "pairs": len(pairs), "figure": figure,
                  "nd4j_median": round(statistics.median(ours), 4),
                  "pytorch_median": round(statistics.median(peer), 4),
                  "speedup_median": round(statistics.median(ratio), 3),
                  "speedup_min": round(min(ratio), 3), "speedup_max": round(max(ratio), 3)}))
PY
