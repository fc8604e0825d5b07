#!/usr/bin/env bash
# Submits the H2 job to a Spark cluster (standalone, YARN or Kubernetes) with spark-submit: one seed
# per Spark task, one task per GPU (CUDA jar) or per task slot (CPU jar).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: submit/cluster.sh [spark-submit options ...] -- [--conf FILE] [h2.key=value ...]

Everything before "--" goes to spark-submit (--master, --deploy-mode, --num-executors,
--executor-memory, --conf spark.x=y, ...), everything after it to the job, except spark.x=y
settings, which go to spark-submit as --conf spark.x=y. spark-submit's --master
wins over h2.spark.master. Data, output and checkpoint URIs must be reachable from every node
(hdfs:, s3a:, or a shared file system).

Build the jar first (it leaves out Spark, Scala and Hadoop, which the cluster provides):
  mvn -B -Pcuda -DskipTests package   # GPU nodes -> target/h2-spark-<version>-cluster-cuda.jar
  mvn -B -DskipTests package          # CPU nodes -> target/h2-spark-<version>-cluster-cpu.jar
The jar says which natives it carries; this script has the executors load those (CUDA jar: cuDNN;
CPU jar: oneDNN, which needs AVX2). GPU nodes need CUDA 11.6 and cuDNN 8.3 (or add -Pcuda-redist,
which bundles them); every node Java 17; the cluster's Spark must be 3.5 with Scala 2.12.

A relative --conf FILE is made absolute here. In --deploy-mode cluster the driver runs on a node
of the cluster and reads it there: put it on a path every node sees, or give h2.key=value.

Examples:
  # YARN, 10 seeds on 10 GPUs, 2 per node
  GPUS_PER_EXECUTOR=2 submit/cluster.sh --master yarn --deploy-mode cluster \
      --num-executors 5 --executor-cores 8 --executor-memory 48g \
      -- --conf conf/paper.conf 'h2.seeds=[0,1,2,3,4,5,6,7,8,9]' \
      h2.data.uri=hdfs:///data/cifar-10-batches-bin h2.output.uri=hdfs:///runs/h2-paper
  # a standalone cluster of CPU nodes, one seed per core
  submit/cluster.sh --master spark://head:7077 --executor-cores 1 \
      -- --conf conf/quickstart.conf 'h2.seeds=[0,1,2,3]' h2.output.uri=hdfs:///runs/quick

Environment:
  SPARK_HOME            where spark-submit lives (else spark-submit on PATH)
  GPUS_PER_EXECUTOR     GPUs per executor, one seed each (CUDA jar: default 1; CPU jar: none
                        asked unless set, so the jar runs on clusters without GPUs); give each
                        executor GPUS_PER_EXECUTOR x spark.task.cpus cores
  GPU_DISCOVERY_SCRIPT  the discovery script's path on the executor nodes
                        (default: this checkout's submit/gpu-discovery.sh)
  H2_JAR                the jar to submit (default: the one target/ holds, -cluster-cuda.jar
                        first)
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

spark_args=()
late_spark_args=()
job_args=()
after_separator=false
for arg in "$@"; do
  if $after_separator && [[ "$arg" == spark.*=* ]]; then
    # A Spark setting among the job's: spark-submit's, so that it takes effect before the JVMs start.
    late_spark_args+=(--conf "$arg")
  elif $after_separator; then
    job_args+=("$arg")
  elif [[ "$arg" == "--" ]]; then
    after_separator=true
  elif [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
    usage
    exit 0
  else
    spark_args+=("$arg")
  fi
done

if [[ -n "${SPARK_HOME:-}" ]]; then
  spark_submit="$SPARK_HOME/bin/spark-submit"
else
  spark_submit="$(command -v spark-submit || true)"
fi
if [[ -z "$spark_submit" || ! -x "$spark_submit" ]]; then
  echo "error: spark-submit not found: set SPARK_HOME or put spark-submit on the PATH" >&2
  exit 2
fi

jar="${H2_JAR:-$(ls "$root"/target/h2-spark-*-cluster-cuda.jar "$root"/target/h2-spark-*-cluster-cpu.jar \
  2>/dev/null | head -n 1 || true)}"
if [[ -z "$jar" || ! -f "$jar" ]]; then
  echo "error: no cluster jar${H2_JAR:+ at H2_JAR=$H2_JAR}; build it with: mvn -B -Pcuda -DskipTests package" \
    "(GPU nodes) or mvn -B -DskipTests package (CPU nodes)" >&2
  exit 2
fi
# What the jar was built for: its backend and the natives its executors must load.
if ! info="$(java -cp "$jar" org.h2cl.BuildInfo backend platform-extension 2>/dev/null)"; then
  echo "error: $jar has no org/h2cl/build.properties; is it this project's cluster jar?" >&2
  exit 2
fi
{ read -r backend; read -r extension; } <<<"$info"

# Java 17 flags Spark and ND4J need, kept in one place: the pom's jvm.addOpens property.
add_opens="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' "$root/pom.xml")"
if [[ -z "$add_opens" ]]; then
  echo "error: cannot read <jvm.addOpens> from $root/pom.xml" >&2
  exit 2
fi
java_options="$add_opens -Dorg.bytedeco.javacpp.platform.extension=$extension"

# One GPU per seed: always with the CUDA jar, with the CPU jar only when asked for.
gpu_conf=()
if [[ "$backend" == cuda || -n "${GPUS_PER_EXECUTOR:-}" ]]; then
  gpu_conf=(
    --conf "spark.executor.resource.gpu.amount=${GPUS_PER_EXECUTOR:-1}"
    --conf spark.task.resource.gpu.amount=1
    --conf "spark.executor.resource.gpu.discoveryScript=${GPU_DISCOVERY_SCRIPT:-$root/submit/gpu-discovery.sh}"
  )
fi

# The job reads a relative --conf FILE where its driver runs: make it the user's file.
for i in "${!job_args[@]}"; do
  next=$((i + 1))
  if [[ "${job_args[$i]}" == --conf && $next -lt ${#job_args[@]} && "${job_args[$next]}" != /* ]]; then
    job_args[next]="$PWD/${job_args[$next]}"
  elif [[ "${job_args[$i]}" == --conf=* && "${job_args[$i]#--conf=}" != /* ]]; then
    job_args[i]="--conf=$PWD/${job_args[$i]#--conf=}"
  fi
done

echo "submitting $(basename "$jar") ($backend backend, natives $extension)" >&2
# Our settings come first, so that the same --conf key among spark_args wins.
exec "$spark_submit" \
  --class org.h2cl.Main \
  "${gpu_conf[@]}" \
  --conf "spark.driver.extraJavaOptions=$java_options" \
  --conf "spark.executor.extraJavaOptions=$java_options" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  --conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID \
  "${spark_args[@]}" "${late_spark_args[@]}" \
  "$jar" "${job_args[@]}"
