#!/usr/bin/env bash
# validate --all against bare `helm template` over the same preset x environment x Spark matrix (issue #15):
#   1 core   : validate --all vs the same renders as sequential helm template, both pinned to CPU 0 (target <= 1.3x)
#   2 cores  : validate --all vs sequential helm template                                         (target <= 1.3x)
#   3 at once: validate --all --parallel 3 vs helm template 3 at a time                           (reported)
#   growth   : the cost of each extra render vs one extra helm template, from a chart copy with every preset
#              doubled (target <= 1.1x)
# Usage: benchmarks/validate.sh [CHART_DIR]   (default: charts/spark-k8s; BENCH_ROUNDS, BENCH_RUNS as in lib/paired.sh)
set -euo pipefail
# shellcheck source=benchmarks/lib/paired.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/paired.sh"
require_tools hyperfine python3 taskset xargs

chart=$(cd "${1:-$bench_root/charts/spark-k8s}" && pwd)
helm=$(bench_helm)
export SPARK_K8S_HELM=$helm
bench_build_cli
cli="$bench_root/spark-k8s"

# Writes the helm template argument lists for CHART (one render per line) to FILE; prints the render count. The
# renders are the ones validate --all makes: every preset x environment x Spark line that it does not skip (a preset
# whose component does not support a line, such as GPU on 4.1, is reported as skipped and not rendered).
matrix_file() {
  local dir=$1 file=$2 report="$bench_scratch/report.json" rc=0
  "$cli" validate --all --chart "$dir" --output json >"$report" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "validate --all --chart $dir failed (exit $rc)" >&2
    exit 1
  fi
  python3 - "$dir" "$file" "$report" <<'PY'
import json, sys
chart, out, report = sys.argv[1], sys.argv[2], sys.argv[3]
with open(report) as f:
    runs = [r for r in json.load(f)["runs"] if not r.get("skipped")]
with open(out, "w") as f:
    for r in runs:
        f.write(f"template spark {chart} --namespace spark --values {chart}/presets/{r['preset']}.yaml"
                f" --values {chart}/environments/{r['environment']}.yaml --set-string spark.version={r['sparkVersion']}\n")
print(len(runs))
PY
}

floor_script() {
  local list=$1 parallel=$2 script=$3
  printf '#!/usr/bin/env bash\nset -euo pipefail\nxargs -P %s -L 1 %s <%s >/dev/null\n' "$parallel" "$helm" "$list" >"$script"
}

renders=$(matrix_file "$chart" "$bench_scratch/matrix.txt")
floor_script "$bench_scratch/matrix.txt" 1 "$bench_scratch/sequential.sh"
floor_script "$bench_scratch/matrix.txt" 3 "$bench_scratch/three.sh"

# A copy of the chart with every preset twice: twice the renders, same chart.
cp -r "$chart" "$bench_scratch/chart2"
for preset in "$bench_scratch"/chart2/presets/*.yaml; do cp "$preset" "${preset%.yaml}-copy.yaml"; done
renders2=$(matrix_file "$bench_scratch/chart2" "$bench_scratch/matrix2.txt")
floor_script "$bench_scratch/matrix2.txt" 1 "$bench_scratch/sequential2.sh"

validate="$cli validate --all --chart $chart"
validate2="$cli validate --all --chart $bench_scratch/chart2"
sequential="bash $bench_scratch/sequential.sh"

paired_rounds one-core "taskset -c 0 $validate" "taskset -c 0 $sequential"
report one-core "validate --all, 1 core" "sequential helm template, 1 core" "$renders renders" 1.3 ratio \
  "taskset -c 0 $validate" "taskset -c 0 $sequential"

paired_rounds two-cores "$validate" "$sequential"
report two-cores "validate --all, 2 cores" "sequential helm template" "$renders renders" 1.3 ratio "$validate" "$sequential"

paired_rounds three "$validate --parallel 3" "bash $bench_scratch/three.sh"
report three "validate --all --parallel 3" "helm template, 3 at a time" "$renders renders" 1.3 ratio \
  "$validate --parallel 3" "bash $bench_scratch/three.sh"

paired_rounds growth "$validate" "$validate2" "$sequential" "bash $bench_scratch/sequential2.sh"
report growth "validate --all, cost per extra render" "one extra helm template" "$renders -> $renders2 renders" 1.1 growth \
  "$validate" "$sequential" "$validate2" "bash $bench_scratch/sequential2.sh"
