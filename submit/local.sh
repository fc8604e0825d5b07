#!/usr/bin/env bash
# Runs the H2 job on this machine in Spark local mode (local[*] unless h2.spark.master says
# otherwise). Needs only Java 17 and Maven: Spark comes from the project's own class path.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: submit/local.sh [--conf FILE] [h2.key=value ...] [spark.key=value ...] [--verbose]

Runs the H2 job locally, one Spark task per seed, and shows every seed's task, phase, epoch,
loss, accuracy and time left while it trains. Builds the project first when target/ is missing
or older than the sources.

Options:
  --conf FILE    settings overriding the defaults (HOCON); conf/quickstart.conf when not given
  h2.key=value   one setting, e.g. 'h2.seeds=[0,1]' h2.train.epochs=10 (quote values with
                 brackets: the shell expands them); every key with its default and meaning:
                 src/main/resources/reference.conf
  spark.key=value  one Spark setting, e.g. spark.eventLog.enabled=true; spark.driver.memory
                 sets this JVM's heap (-Xmx)

Relative paths (--conf, h2.data.uri, h2.output.uri) mean the folder you run this in.
  --verbose      Spark's own INFO logging, and every epoch's log line
  --help-job     the job's own help (exit codes, resuming, output)
  -h, --help     this text

USAGE
  echo "Config files:"
  local f
  for f in "$root"/conf/*.conf; do
    # The first sentence of the file's leading comment.
    printf '  %-25s %s\n' "conf/${f##*/}" "$(sed -n '/^#/!q; s/^#* *//p' "$f" | tr '\n' ' ' | sed 's/\. .*/./')"
  done
  cat <<'USAGE'

Examples:
  submit/local.sh
  submit/local.sh --conf conf/paper.conf 'h2.seeds=[0,1]' h2.output.uri=output/two-seeds
  submit/local.sh spark.eventLog.enabled=true spark.eventLog.dir=/tmp/spark-events

Environment:
  JAVA_OPTS   extra JVM options, e.g. -Xmx16g
  MAVEN_ARGS  extra Maven arguments for the build, e.g. -o to stay offline
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The job runs in the caller's folder, so that relative paths mean what the user sees; the build
# and the checkout's own files are addressed through $root.

has_conf=false
main_args=()
heap=()
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --help-job) main_args+=(--help) ;;
    --conf | --conf=*) has_conf=true; main_args+=("$arg") ;;
    # In local mode the driver is this JVM: its heap is set when it starts, not by Spark.
    spark.driver.memory=*) heap=("-Xmx${arg#spark.driver.memory=}"); main_args+=("$arg") ;;
    *) main_args+=("$arg") ;;
  esac
done
if ! $has_conf; then
  main_args=(--conf "$root/conf/quickstart.conf" "${main_args[@]}")
fi

# Build when the jar or the class path file is missing, or any source is newer than the jar.
target="$root/target"
job_jar() { ls "$target"/h2-spark-*.jar 2>/dev/null | grep -v -- '-cluster-[a-z]*\.jar$' | head -n 1; }
jar="$(job_jar || true)"
if [[ -z "$jar" || ! -f "$target/classpath.txt" ]] ||
  [[ -n "$(find "$root/src" "$root/pom.xml" -newer "$jar" -print -quit)" ]]; then
  echo "Building (mvn package) ..." >&2
  # package also writes target/classpath.txt: the compile scope (Spark included, no test jars);
  # local mode needs no cluster jar.
  # shellcheck disable=SC2086 # MAVEN_ARGS is a list of arguments
  if ! mvn -q -f "$root/pom.xml" ${MAVEN_ARGS:-} -DskipTests -Dcluster-jar.skip=true package >&2; then
    echo "error: the build failed (see Maven's messages above); 'mvn -B package' shows it in full" >&2
    exit 2
  fi
  jar="$(job_jar)"
fi

# Java 17 flags Spark and ND4J need, kept in one place: the pom's jvm.addOpens property.
add_opens="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' "$root/pom.xml")"
if [[ -z "$add_opens" ]]; then
  echo "error: cannot read <jvm.addOpens> from pom.xml" >&2
  exit 2
fi

# libnd4j's oneDNN build needs AVX2; without it the plain CPU build on the class path is used.
platform_extension=()
if grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
  platform_extension=(-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2)
fi

# OpenMP threads that spin while waiting starve the other seeds' threads on shared cores.
export OMP_WAIT_POLICY=PASSIVE
# Spark binds to 127.0.0.1 in local mode; this also silences its warning about the host name.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# shellcheck disable=SC2086 # add_opens and JAVA_OPTS are lists of arguments
exec java $add_opens "${platform_extension[@]}" "${heap[@]}" ${JAVA_OPTS:-} \
  -cp "$jar:$(cat "$target/classpath.txt")" org.h2cl.Main "${main_args[@]}"
