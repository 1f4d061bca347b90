#!/usr/bin/env bash
# Shared by benchmarks/{validate,plan,startup}.sh: paired hyperfine rounds and one result line per target.
# A round runs the measured command and its floor back to back (order alternating between rounds), so both see the
# same machine load; the reported ratio is the median of the per-round ratios of medians, with the min-max spread.
# Tunables: BENCH_ROUNDS (default 5) and BENCH_RUNS (runs per command per round; default RUNS, as run-all.sh passes it, else 5).
set -euo pipefail

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_scratch=$(mktemp -d)
trap 'rm -rf "$bench_scratch"' EXIT

require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is required (apt-get install $tool)" >&2; exit 2; }
  done
}

# The helm the benchmarks compare with and hand to the CLI: $SPARK_K8S_HELM, else the project's Helm 4.
bench_helm() {
  if [ -n "${SPARK_K8S_HELM:-}" ]; then
    printf '%s\n' "$SPARK_K8S_HELM"
    return
  fi
  "$bench_root/scripts/ensure-helm.sh" >&2
  printf '%s\n' "$bench_root/.tools/helm/v4/helm"
}

# Builds the CLI through the wrapper once, so no measured run pays for a build.
bench_build_cli() {
  "$bench_root/spark-k8s" --version >/dev/null
}

# paired_rounds NAME CMD... -- FLOOR_CMD...  (commands as single strings, run by hyperfine without a shell)
# Writes per-round JSON files to $bench_scratch/NAME.<round>.json.
paired_rounds() {
  local name=$1 rounds=${BENCH_ROUNDS:-5} runs=${BENCH_RUNS:-${RUNS:-5}} round
  shift
  for ((round = 1; round <= rounds; round++)); do
    local commands=("$@")
    if ((round % 2 == 0)); then
      local reversed=() i
      for ((i = ${#commands[@]} - 1; i >= 0; i--)); do reversed+=("${commands[$i]}"); done
      commands=("${reversed[@]}")
    fi
    # hyperfine's advice about outliers is expected on a busy machine; its errors are shown.
    if ! hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$bench_scratch/$name.$round.json" "${commands[@]}" \
        >/dev/null 2>"$bench_scratch/hyperfine.err"; then
      cat "$bench_scratch/hyperfine.err" >&2
      exit 1
    fi
  done
}

# report NAME LABEL FLOOR_LABEL MATRIX TARGET MODE CMD FLOOR [CMD2 FLOOR2]
#   MODE ratio:  median over rounds of median(CMD)/median(FLOOR)
#   MODE growth: median over rounds of (median(CMD2)-median(CMD)) / (median(FLOOR2)-median(FLOOR))
report() {
  python3 - "$bench_scratch" "$@" <<'PY'
import glob, json, statistics, sys
scratch, name, label, floor_label, matrix, target, mode, *commands = sys.argv[1:]
ratios, cpu_ratios, first, second = [], [], [], []
for path in sorted(glob.glob(f"{scratch}/{name}.*.json")):
    results = {r["command"]: r for r in json.load(open(path))["results"]}
    med = {c: statistics.median(results[c]["times"]) for c in commands}
    cpu = {c: results[c]["user"] + results[c]["system"] for c in commands}
    if mode == "growth":
        a, f, a2, f2 = commands
        ratios.append((med[a2] - med[a]) / (med[f2] - med[f]))
        cpu_ratios.append((cpu[a2] - cpu[a]) / (cpu[f2] - cpu[f]))
        first.append((med[a2] - med[a]) * 1000); second.append((med[f2] - med[f]) * 1000)
    else:
        a, f = commands
        ratios.append(med[a] / med[f]); cpu_ratios.append(cpu[a] / cpu[f])
        first.append(med[a] * 1000); second.append(med[f] * 1000)
verdict = "ok" if statistics.median(ratios) <= float(target) else "MISSED"
print(f"{label}: {statistics.median(ratios):.2f}x (spread {min(ratios):.2f}-{max(ratios):.2f}x, cpu {statistics.median(cpu_ratios):.2f}x)"
      f" | floor: {floor_label} | matrix: {matrix} | median {statistics.median(first):.0f} ms vs {statistics.median(second):.0f} ms"
      f" | {len(ratios)} rounds | target <= {target}x: {verdict}")
PY
}
