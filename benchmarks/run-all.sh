#!/usr/bin/env bash
# Runs every issue-15 benchmark driver present in benchmarks/ and prints their target lines (ratio, floor, input
# size, median and spread), one line per target, then a summary. The drivers' progress goes to stderr, so
# `benchmarks/run-all.sh 2>/dev/null` is just the target lines. Takes minutes; ./test.sh and CI do not run it.
# Environment: RUNS (paired runs per measurement), SIZE_MB (cost and backup input sizes), passed on to the drivers.
#   benchmarks/run-all.sh
#   RUNS=3 benchmarks/run-all.sh 2>/dev/null
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
drivers=(validate.sh plan.sh startup.sh cost.sh backup/run.sh)
lines=()
failed=()
for driver in "${drivers[@]}"; do
  path="$root/$driver"
  if [ ! -x "$path" ]; then
    echo "run-all: benchmarks/$driver is not here; skipped" >&2
    continue
  fi

  echo "run-all: benchmarks/$driver ..." >&2
  if output=$("$path"); then
    while IFS= read -r line; do
      [ -n "$line" ] && lines+=("$line")
    done <<<"$output"
  else
    failed+=("$driver")
  fi
done

echo
echo "Issue 15 targets ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores):"
printf '%s\n' "${lines[@]}"
missed=$(printf '%s\n' "${lines[@]}" | awk '/MISSED/ { n++ } END { print n + 0 }')
echo "${#lines[@]} targets measured, $missed missed, ${#failed[@]} drivers failed${failed[*]:+ (${failed[*]})}"
[ "${#failed[@]}" -eq 0 ]
