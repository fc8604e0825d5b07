#!/usr/bin/env bash
# Runs the benchmarks and prints one JSON line per measurement (bench, width, batch, threads and the
# figure: images_per_s, seconds, bytes or efficiency). BENCHMARKS.md holds the results.
#
#   submit/bench.sh                  all of them (about 30 minutes on 2 cores)
#   submit/bench.sh NAME [--key value ...]
#
# NAME: train_step (--width --batch --steps --warmup --repeats), fisher (--width --samples),
#   data (--batch --images --epochs), end_to_end (--what seed|epoch, --conf), memory,
#   spark_scaling (--conf), cluster_scaling [CONF [spark-submit options]] (two one-core workers,
#   separate JVMs: one seed against two), profile (--width --batch: oneDNN's time per kind of primitive in one
#   training step), layer_profile (--width --batch --layer: libnd4j's per-op times), peak (--size:
#   the machine's float32 matrix-multiply rate), dispatch (libnd4j's host time per op and ops per
#   step, for the GPU estimate). The training benchmarks take --kernels auto|onednn|libnd4j and
#   --conv-algorithm winograd|direct.
# Environment: THREADS (default 2) bounds OpenMP/ND4J/OpenBLAS threads; JAVA_OPTS adds JVM options.
# The PyTorch peers are in src/bench/python; submit/bench-vs-torch.sh alternates ours and theirs.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"

# Build when classes or the class path are missing, or a source is newer than the classes.
stamp=target/classes/org/h2cl/bench/Bench.class
if [[ ! -f "$stamp" || ! -f target/classpath.txt ]] ||
  [[ -n "$(find src/main pom.xml -newer "$stamp" -print -quit)" ]]; then
  mvn -B -q -o compile >&2
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -DincludeScope=compile >&2
fi
ADD_OPENS="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' pom.xml)"

export OMP_NUM_THREADS="$THREADS"
export OMP_WAIT_POLICY=PASSIVE

bench() {
  # shellcheck disable=SC2086  # ADD_OPENS and JAVA_OPTS are option lists
  java $ADD_OPENS -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 ${JAVA_OPTS:-} \
    -cp "target/classes:$(cat target/classpath.txt)" org.h2cl.bench.Bench "$@" --threads "$THREADS" \
    2> >(grep -v -e '^\s*$' -e ' INFO ' >&2)
}

# Spark scaling: wall time of the real job (submit/local.sh, JVM and Spark start included) for one
# seed on local[1] and for two seeds on local[2], one thread per seed; efficiency = T1 / T2.
spark_scaling() {
  local conf=conf/quickstart.conf
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --conf) conf="$2"; shift 2 ;;
      *) echo "spark_scaling: unknown option $1" >&2; exit 2 ;;
    esac
  done
  local out
  out="$(mktemp -d)"
  run_job() { # seeds master
    local start end
    start=$(date +%s.%N)
    MAVEN_ARGS="${MAVEN_ARGS:--o}" submit/local.sh --conf "$conf" "h2.seeds=$1" \
      "h2.spark.master=\"$2\"" h2.compute.threads=1 "h2.output.uri=\"$out/$2\"" \
      h2.output.overwrite=true >/dev/null 2>"$out/log"
    end=$(date +%s.%N)
    /usr/bin/python3 -c "print($end - $start)"
  }
  local t1 t2
  t1=$(run_job "[0]" "local[1]")
  t2=$(run_job "[0,1]" "local[2]")
  rm -rf "$out"
  /usr/bin/python3 - "$conf" "$t1" "$t2" <<'PY'
import json, re, sys
conf, t1, t2 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
text = open(conf).read()
width = re.search(r"base-width\s*=\s*(\d+)", text)
batch = re.search(r"batch-size\s*=\s*(\d+)", text)
print(json.dumps({"bench": "spark_scaling", "conf": conf,
                  "width": int(width.group(1)) if width else 64,
                  "batch": int(batch.group(1)) if batch else 128, "threads": 1,
                  "one_seed_local1_seconds": round(t1, 1), "two_seeds_local2_seconds": round(t2, 1),
                  "efficiency": round(t1 / t2, 3)}))
PY
}

# Cluster scaling: submit/cluster.sh on a standalone master and two workers of one core each (all on
# 127.0.0.1, each its own JVM; test code org.h2cl.cluster.ClusterScaling), one seed against two.
cluster_scaling() {
  mvn -B -q -o -DskipTests package >&2
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -DincludeScope=test >&2
  # shellcheck disable=SC2086  # ADD_OPENS is an option list
  java $ADD_OPENS -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    org.h2cl.cluster.ClusterScaling "$@"
}

run() {
  case "$1" in
    spark_scaling) shift; spark_scaling "$@" ;;
    cluster_scaling) shift; cluster_scaling "$@" ;;
    profile) bench "$@" | /usr/bin/python3 src/bench/python/onednn_profile.py ;;
    *) bench "$@" ;;
  esac
}

if [[ $# -eq 0 ]]; then
  run train_step --width 64 --batch 128 --steps 5 --repeats 3
  run train_step --width 16 --batch 32 --steps 20 --repeats 3
  run fisher --width 64
  run data
  run memory
  run end_to_end --what seed
  run end_to_end --what epoch
  run spark_scaling
else
  run "$@"
fi
