#!/usr/bin/env bash
# Ours against the PyTorch peer, alternated: submit/bench-vs-torch.sh BENCH [PAIRS] [--key value ...]
#   BENCH: train_step or fisher; PAIRS (default 5) runs of each, the order flipped every pair so
#   neither side always runs first. Prints every run's JSON line, then one summary line with both
#   medians and the median of the per-pair ratios (ours / PyTorch for images_per_s, PyTorch / ours
#   for seconds: above 1 means we are faster), by wall time and by process CPU time (steadier when
#   other work shares the cores). THREADS (default 2) as for submit/bench.sh; OURS adds options for
#   our side only, e.g. OURS="--conv-algorithm direct".
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
  train_step) PEER=src/bench/python/torch_step.py FIGURE=images_per_s CPU_FIGURE=images_per_cpu_s ;;
  fisher) PEER=src/bench/python/torch_fisher.py FIGURE=seconds CPU_FIGURE=cpu_seconds ;;
  *) echo "no PyTorch peer for $BENCH" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086  # OURS is an option list
ours() { THREADS="$THREADS" submit/bench.sh "$BENCH" "$@" ${OURS:-}; }
peer() {
  OMP_NUM_THREADS="$THREADS" OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 \
    src/bench/python/with_cpu_time.py "$PEER" --threads "$THREADS" "$@"
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
/usr/bin/python3 - "$LOG" "$FIGURE" "$CPU_FIGURE" "$BENCH" <<'PY'
import json, statistics, sys
log, figure, cpu_figure, bench = sys.argv[1:]
rows = [json.loads(l) for l in open(log) if l.strip()]
first = rows[0]
summary = {"bench": bench, "summary": True, "width": first.get("width"), "batch": first.get("batch"),
           "threads": first.get("threads"),
           "kernels": next((r.get("kernels") for r in rows if r.get("impl") == "h2cl"), None)}
for fig in (figure, cpu_figure):
    ours = [r[fig] for r in rows if r.get("impl") == "h2cl"]
    peer = [r[fig] for r in rows if r.get("impl") == "pytorch"]
    # speedup > 1: we are faster (higher rate, or fewer seconds)
    ratio = [o / p if fig.startswith("images") else p / o for o, p in zip(ours, peer)]
    summary.update({f"{fig}_h2cl_median": round(statistics.median(ours), 4),
                    f"{fig}_pytorch_median": round(statistics.median(peer), 4),
                    f"{fig}_speedup_median": round(statistics.median(ratio), 3),
                    f"{fig}_speedup_range": [round(min(ratio), 3), round(max(ratio), 3)]})
summary["pairs"] = len(ratio)
print(json.dumps(summary))
PY
