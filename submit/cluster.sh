#!/usr/bin/env bash
# Submits the H2 job to a GPU cluster (standalone, YARN or Kubernetes) with spark-submit: one seed
# per Spark task, one task per GPU.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: submit/cluster.sh [spark-submit options ...] -- [--conf FILE] [h2.key=value ...]

Everything before "--" goes to spark-submit (--master, --deploy-mode, --num-executors,
--executor-memory, --conf spark.x=y, ...), everything after it to the job. spark-submit's --master
wins over h2.spark.master. Data, output and checkpoint URIs must be reachable from every node
(hdfs:, s3a:, or a shared file system).

Build the jar first, with ND4J's CUDA backend and without Spark, Scala and Hadoop:
  mvn -Pcuda,uberjar -DskipTests package        # -> target/h2-spark-<version>-cluster.jar
The nodes need CUDA 11.6 and cuDNN 8.3 (or add the cuda-redist profile, which bundles them) and
Java 17; the executors' Spark must be 3.5 with Scala 2.12.

Example (YARN, 10 seeds on 10 GPUs, 2 per node):
  GPUS_PER_EXECUTOR=2 submit/cluster.sh --master yarn --deploy-mode cluster \
      --num-executors 5 --executor-cores 8 --executor-memory 48g \
      -- --conf conf/paper.conf h2.data.uri=hdfs:///data/cifar-10-batches-bin \
      h2.output.uri=hdfs:///runs/h2-paper

Environment:
  SPARK_HOME            where spark-submit lives (else spark-submit on PATH)
  GPUS_PER_EXECUTOR     GPUs per executor, one seed each (default 1); give each executor
                        GPUS_PER_EXECUTOR x spark.task.cpus cores
  GPU_DISCOVERY_SCRIPT  the discovery script's path on the executor nodes
                        (default: this checkout's submit/gpu-discovery.sh)
  H2_JAR                the jar to submit (default: target/h2-spark-*-cluster.jar)
USAGE
}

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

spark_args=()
job_args=()
after_separator=false
for arg in "$@"; do
  if $after_separator; then
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

jar="${H2_JAR:-$(ls "$root"/target/h2-spark-*-cluster.jar 2>/dev/null | head -n 1 || true)}"
if [[ -z "$jar" || ! -f "$jar" ]]; then
  echo "error: no cluster jar; build it with: mvn -Pcuda,uberjar -DskipTests package" >&2
  exit 2
fi

# Java 17 flags Spark and ND4J need, kept in one place: the pom's jvm.addOpens property.
add_opens="$(sed -n 's:.*<jvm.addOpens>\(.*\)</jvm.addOpens>.*:\1:p' "$root/pom.xml")"
if [[ -z "$add_opens" ]]; then
  echo "error: cannot read <jvm.addOpens> from $root/pom.xml" >&2
  exit 2
fi
java_options="$add_opens -Dorg.bytedeco.javacpp.platform.extension=-cudnn"

# Our settings come first, so that the same --conf key among spark_args wins.
exec "$spark_submit" \
  --class org.h2cl.Main \
  --conf "spark.executor.resource.gpu.amount=${GPUS_PER_EXECUTOR:-1}" \
  --conf spark.task.resource.gpu.amount=1 \
  --conf "spark.executor.resource.gpu.discoveryScript=${GPU_DISCOVERY_SCRIPT:-$root/submit/gpu-discovery.sh}" \
  --conf "spark.driver.extraJavaOptions=$java_options" \
  --conf "spark.executor.extraJavaOptions=$java_options" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  --conf spark.executorEnv.CUDA_DEVICE_ORDER=PCI_BUS_ID \
  "${spark_args[@]}" \
  "$jar" "${job_args[@]}"
