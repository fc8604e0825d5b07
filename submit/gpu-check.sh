#!/usr/bin/env bash
# The GPU check to run on a GPU node before submitting: one H² training step on each visible GPU
# and the same step on the CPU from the same weights, compared, with img/s per device; on a machine
# without a GPU or CUDA it says so in one line and exits non-zero. --help lists the options and the
# exit codes (org.h2cl.bench.GpuCheck).
#
#   submit/gpu-check.sh [--width 64] [--batch 128] [--steps 10] [--seed 0] [--tolerance 0.05]
#
# It needs ND4J's CUDA build in the local Maven repository (about 600 MB, fetched once by
# `mvn -B -Pcuda dependency:resolve`); MAVEN_ARGS (default -o) is passed to Maven. Environment:
# CUDA_VISIBLE_DEVICES chooses the GPUs; JAVA_OPTS adds JVM options (e.g. -Xmx).
set -euo pipefail
cd "$(dirname "$0")/.."

for a in "$@"; do
  if [[ "$a" == --help || "$a" == -h ]]; then
    # The usage text lives in GpuCheck; it needs the classes, not the CUDA build.
    set -- --help
  fi
done

MAVEN_ARGS="${MAVEN_ARGS:--o}"
# Maven's output is shown only when it fails.
mvn_q() {
  mkdir -p target
  # shellcheck disable=SC2086  # MAVEN_ARGS is an option list
  mvn -B -q $MAVEN_ARGS "$@" >target/gpu-check-mvn.log 2>&1 || { cat target/gpu-check-mvn.log >&2; return 1; }
}

# Build when classes or a class path are missing, or a source is newer than the classes.
stamp=target/classes/org/h2cl/bench/GpuCheck.class
if [[ ! -f "$stamp" || ! -f target/classpath.txt ]] ||
  [[ -n "$(find src/main pom.xml -newer "$stamp" -print -quit)" ]]; then
  mvn_q compile
  mvn_q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=compile
fi
if [[ "${1:-}" != --help && (! -f target/classpath-cuda.txt || pom.xml -nt target/classpath-cuda.txt) ]]; then
  # The same classes on ND4J's CUDA build: -Pcuda only swaps the backend's jars.
  if ! mvn_q -Pcuda dependency:build-classpath -Dmdep.outputFile=target/classpath-cuda.txt \
    -DincludeScope=compile; then
    echo "no GPU check: ND4J's CUDA build (nd4j-cuda-11.6, about 600 MB) is not in the local" \
      "Maven repository; fetch it once with: mvn -B -Pcuda dependency:resolve" >&2
    exit 2
  fi
fi
ADD_OPENS="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' pom.xml)"
export OMP_WAIT_POLICY=PASSIVE

# shellcheck disable=SC2086  # ADD_OPENS and JAVA_OPTS are option lists
exec java $ADD_OPENS -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 ${JAVA_OPTS:-} \
  -cp "target/classes:$(cat target/classpath.txt)" org.h2cl.bench.GpuCheck \
  --cpu-classpath "target/classes:$(cat target/classpath.txt)" \
  --cuda-classpath "target/classes:$(cat target/classpath-cuda.txt 2>/dev/null || true)" "$@"
