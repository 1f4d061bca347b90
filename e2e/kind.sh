#!/usr/bin/env bash
# End-to-end test on kind: creates a cluster the presets fit (e2e/kind-config.yaml), loads the images, then for each
# Spark line x preset installs it with `spark-k8s up` (doctor preflight, helm --wait, smoke: with a batch preset smoke
# also runs a copy of one of its jobs to completion (SMOKE009), with Airflow it triggers the example DAGs (SMOKE010)),
# then, for presets with Spark Connect, runs `load -n NS --release spark --kube-context kind-CLUSTER --rows N` and
# `chaos` (whose connect scenario checks that the killed server's event log is complete), and uninstalls it. On a failure it stores doctor's diagnosis, events, pod logs and
# helm's view of the release under the artifacts directory. Exits 1 when any run failed.
#
# Needs docker, kind, kubectl and the .NET 10 SDK (./spark-k8s builds the CLI and provides helm).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cli="$root/spark-k8s"

kubernetes="v1.33.1"
spark_lines="3.5 4.1"
presets=""
environment="dev"
cluster="spark-e2e"
artifacts="$root/e2e/artifacts"
rows=1000000
load_images=1
keep=0

usage() {
  cat <<USAGE
Usage: e2e/kind.sh [options]
  --kubernetes VERSION   kind node image kindest/node:VERSION (default $kubernetes)
  --spark "3.5 4.1"      Spark lines to test (default: "$spark_lines")
  --preset NAME          preset to test; repeatable (default: every preset of 'spark-k8s presets')
  --env ENV              environment overlay (default $environment; see e2e/kind-config.yaml for what it needs)
  --cluster NAME         kind cluster name (default $cluster)
  --artifacts DIR        where failures leave doctor output and logs (default e2e/artifacts)
  --rows N               rows of the load run (default $rows)
  --no-load-images       let the nodes pull images instead of 'kind load docker-image'
  --keep                 keep the cluster afterwards
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --kubernetes) kubernetes=$2; shift 2 ;;
    --spark) spark_lines=$2; shift 2 ;;
    --preset) presets="$presets $2"; shift 2 ;;
    --env) environment=$2; shift 2 ;;
    --cluster) cluster=$2; shift 2 ;;
    --artifacts) artifacts=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --no-load-images) load_images=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "e2e/kind.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || { echo "e2e/kind.sh: $tool is not on PATH; install it first." >&2; exit 2; }
done

context="kind-$cluster"
# ./spark-k8s provides helm on first use (scripts/ensure-helm.sh); the same binary uninstalls here.
if [ -n "${SPARK_K8S_HELM:-}" ]; then
  helm=$SPARK_K8S_HELM
elif command -v helm >/dev/null; then
  helm=$(command -v helm)
else
  helm="$root/.tools/helm/v4/helm"
fi
mkdir -p "$artifacts"
if [ -z "$presets" ]; then
  presets=$("$cli" presets --output json | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["presets"]))')
fi

# The backend of a preset (spark-k8s presets): operator presets need the kubeflow Spark operator, which the chart does
# not vendor; it is installed to watch the run's namespace, as docs/en/backends/operator.md shows.
backend_of() {
  "$cli" presets --output json | python3 -c 'import json,sys; print(next((p.get("backend") or "") for p in json.load(sys.stdin)["presets"] if p["name"] == sys.argv[1]))' "$1"
}

# Whether a preset runs Spark Connect (load and chaos need it; batch presets only have jobs).
has_connect() {
  "$cli" presets --output json | python3 -c 'import json,sys; sys.exit(0 if any(p["name"] == sys.argv[1] and "connect" in p["components"] for p in json.load(sys.stdin)["presets"]) else 1)' "$1"
}

ensure_operator() {
  "$helm" repo add spark-operator https://kubeflow.github.io/spark-operator --force-update >/dev/null
  "$helm" upgrade --install spark-operator spark-operator/spark-operator --kube-context "$context" \
    --namespace spark-operator --create-namespace --wait --set "spark.jobNamespaces={$1}"
}

# Runs a command whose failure must not stop the script (artifact collection, clean-up), and says that it failed.
attempt() {
  if ! "$@"; then
    echo "e2e/kind.sh: '$*' failed; continuing" >&2
  fi
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  if [ "$keep" -eq 0 ]; then
    attempt kind delete cluster --name "$cluster"
  fi
}
trap cleanup EXIT

if ! kind get clusters | grep -qx "$cluster"; then
  kind create cluster --name "$cluster" --image "kindest/node:$kubernetes" --config "$root/e2e/kind-config.yaml" --wait 180s
fi

# Stores what a person needs to diagnose a failed run: doctor, events, every container's log, helm's view.
collect() {
  local ns=$1 preset=$2 line=$3 dir="$artifacts/$1"
  mkdir -p "$dir"
  # doctor exits 1 when it finds errors, which is why it runs here; its output is the diagnosis.
  attempt "$cli" doctor "$preset" --env "$environment" --spark-version "$line" -n "$ns" --release spark --kube-context "$context" --output json >"$dir/doctor.json"
  attempt "$cli" doctor "$preset" --env "$environment" --spark-version "$line" -n "$ns" --release spark --kube-context "$context" >"$dir/doctor.txt" 2>&1
  attempt kubectl --context "$context" -n "$ns" get all,pvc,events -o wide >"$dir/resources.txt" 2>&1
  local pods
  if ! pods=$(kubectl --context "$context" -n "$ns" get pods -o name); then
    pods=""
  fi
  for pod in $pods; do
    attempt kubectl --context "$context" -n "$ns" logs "$pod" --all-containers --prefix >"$dir/${pod#pod/}.log" 2>&1
    if kubectl --context "$context" -n "$ns" get "$pod" -o jsonpath='{.status.containerStatuses[*].restartCount}' | grep -q '[1-9]'; then
      attempt kubectl --context "$context" -n "$ns" logs "$pod" --all-containers --prefix --previous >"$dir/${pod#pod/}.previous.log" 2>&1
    fi
  done
  attempt "$helm" --kube-context "$context" -n "$ns" status spark >"$dir/helm.txt" 2>&1
  attempt "$helm" --kube-context "$context" -n "$ns" get values spark --all >>"$dir/helm.txt" 2>&1
}

failed=0
for line in $spark_lines; do
  for preset in $presets; do
    ns="e2e-${preset}-${line//./-}"
    echo "=== $preset on Spark $line, Kubernetes $kubernetes (namespace $ns)"
    kubectl --context "$context" create namespace "$ns" --dry-run=client -o yaml | kubectl --context "$context" apply -f - >/dev/null
    kubectl --context "$context" label namespace "$ns" --overwrite \
      pod-security.kubernetes.io/enforce=restricted spark-k8s.io/chaos=allowed >/dev/null
    if [ "$load_images" -eq 1 ]; then
      for image in $("$cli" plan "$preset" --env "$environment" --spark-version "$line" --output json \
          | python3 -c 'import json,sys; print(" ".join(i["reference"] for i in json.load(sys.stdin)["images"]))'); do
        docker image inspect "$image" >/dev/null 2>&1 || docker pull --quiet "$image" >/dev/null
        kind load docker-image "$image" --name "$cluster" >/dev/null
      done
    fi

    if [ "$(backend_of "$preset")" = operator ]; then
      ensure_operator "$ns"
    fi

    target=(-n "$ns" --release spark --kube-context "$context")
    connect=1
    has_connect "$preset" || connect=0
    if "$cli" up "$preset" --env "$environment" --spark-version "$line" "${target[@]}" --timeout 20m \
      && { [ "$connect" -eq 0 ] || "$cli" load "${target[@]}" --rows "$rows"; } \
      && { [ "$connect" -eq 0 ] || "$cli" chaos "${target[@]}" --rows "$rows"; }; then
      echo "=== PASSED: $preset on Spark $line"
    else
      echo "=== FAILED: $preset on Spark $line; artifacts in $artifacts/$ns" >&2
      collect "$ns" "$preset" "$line"
      failed=1
    fi

    attempt "$helm" --kube-context "$context" -n "$ns" uninstall spark --wait
    attempt kubectl --context "$context" delete namespace "$ns" --wait=false
  done
done

exit "$failed"
