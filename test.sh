#!/usr/bin/env bash
# Runs the whole test suite and ends with the line "N passed, N failed".
# Chart tests run twice: once with Helm 4 and once with Helm 3.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root" || exit 1
results="$root/.tools/test-results"

"$root/scripts/ensure-test-deps.sh" || { echo "error: installing test dependencies failed" >&2; echo "0 passed, 1 failed"; exit 1; }

rm -rf "$results"
mkdir -p "$results"

if ! dotnet build SparkK8s.slnx -c Release --nologo -v quiet; then
  echo "error: build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

status=0
SPARK_K8S_HELM="$root/.tools/helm/v4/helm" dotnet test SparkK8s.slnx -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results/helm4" "$@" || status=1
SPARK_K8S_HELM="$root/.tools/helm/v3/helm" dotnet test tests/SparkK8s.Chart.Tests -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results/helm3" "$@" || status=1

passed=0
failed=0
found=0
while IFS= read -r -d '' trx; do
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -nE 's/.* passed="([0-9]+)".*/\1/p' <<<"$counters")
  f=$(sed -nE 's/.* failed="([0-9]+)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done < <(find "$results" -name '*.trx' -print0)

if [ "$found" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "error: no test results were produced" >&2
  status=1
fi
if [ "$failed" -gt 0 ]; then
  status=1
fi
echo "$passed passed, $failed failed"
exit "$status"
