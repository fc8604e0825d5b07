#!/usr/bin/env bash
# Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs of
# this node as Spark expects them, e.g. {"name":"gpu","addresses":["0","1"]}. The addresses are
# CUDA device indices in PCI bus order (submit/cluster.sh sets CUDA_DEVICE_ORDER=PCI_BUS_ID so
# that CUDA numbers them the same way).
set -euo pipefail

indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"
addresses=""
while read -r index; do
  [[ -z "$index" ]] && continue
  addresses+="${addresses:+,}\"$index\""
done <<<"$indices"
echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
