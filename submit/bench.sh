#!/usr/bin/env bash
# Runs the benchmarks: submit/bench.sh [NAME [--key value ...]]; no NAME runs all of them.
# Prints one JSON line per measurement (bench, width, batch, threads and the figure).
# THREADS (default 2) sets the OpenMP/ND4J threads; JAVA_OPTS adds JVM options.
# Names: train_step fisher memory layer_profile (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"
ALL=(train_step fisher memory)

if [[ ! -f target/classes/org/h2cl/bench/Bench.class || ! -f target/classpath.txt ]]; then
  mvn -B -q -o compile >&2
  mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
    -Dmdep.includeScope=compile >&2
fi
ADD_OPENS="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' pom.xml)"

export OMP_NUM_THREADS="$THREADS"
export OMP_WAIT_POLICY=PASSIVE

bench() {
  # shellcheck disable=SC2086  # ADD_OPENS and JAVA_OPTS are option lists
  java $ADD_OPENS -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 ${JAVA_OPTS:-} \
    -cp "target/classes:$(cat target/classpath.txt)" org.h2cl.bench.Bench "$@" --threads "$THREADS" \
    2> >(grep -v -e '^\s*$' -e 'INFO' >&2)
}

if [[ $# -eq 0 ]]; then
  for name in "${ALL[@]}"; do
    case "$name" in
      train_step)
        bench train_step --width 64 --batch 128 --steps 10 --repeats 3
        bench train_step --width 16 --batch 32 --steps 20 --repeats 3
        ;;
      *) bench "$name" ;;
    esac
  done
else
  bench "$@"
fi
