#!/usr/bin/env bash
# plan PRESET against helm lint --strict plus helm template of the same values, run one after the other (issue #15,
# target <= 1.5x). Usage: benchmarks/plan.sh [PRESET] [ENV]   (default: jupyter-connect-k8s, no environment)
set -euo pipefail
# shellcheck source=benchmarks/lib/paired.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/paired.sh"
require_tools hyperfine python3

preset=${1:-jupyter-connect-k8s}
env=${2:-}
chart="$bench_root/charts/spark-k8s"
helm=$(bench_helm)
export SPARK_K8S_HELM=$helm
bench_build_cli

values=(--values "$chart/presets/$preset.yaml")
plan_args=("$preset")
if [ -n "$env" ]; then
  values+=(--values "$chart/environments/$env.yaml")
  plan_args+=(--env "$env")
fi
{
  echo '#!/usr/bin/env bash'
  echo 'set -euo pipefail'
  printf '%q ' "$helm" lint "$chart" --namespace spark --strict "${values[@]}"; echo '>/dev/null'
  printf '%q ' "$helm" template spark "$chart" --namespace spark "${values[@]}"; echo '>/dev/null'
} >"$bench_scratch/floor.sh"

plan="$bench_root/spark-k8s plan ${plan_args[*]}"
floor="bash $bench_scratch/floor.sh"
paired_rounds plan "$plan" "$floor"
report plan "plan ${plan_args[*]}" "helm lint --strict + helm template" "1 render" 1.5 ratio "$plan" "$floor"
