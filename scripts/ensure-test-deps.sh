#!/usr/bin/env bash
# Installs what the test suite needs besides the .NET SDK and Node.js, idempotently, and prints nothing when all is present:
#   - Helm 4 and Helm 3 (scripts/ensure-helm.sh --all, into .tools/helm)
#   - the s3rver S3 server (npm, into .tools/node)
#   - Debian packages: yamllint, shellcheck, promtool (package prometheus) and the PostgreSQL 15 server binaries
#     (package postgresql-15: initdb, pg_ctl under /usr/lib/postgresql/15/bin), python3-jinja2. As root they are installed with apt-get;
#     otherwise one line per missing package says how to install it, and the tests that need it fail with that name.
# Environment (for tests of this script): SPARK_K8S_PG_ROOT (default /usr/lib/postgresql).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-helm.sh" --all

node_dir="$root/.tools/node"
if [ ! -f "$node_dir/node_modules/s3rver/bin/s3rver.js" ]; then
  echo "Installing s3rver (npm) ..." >&2
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent s3rver@3.7.1 >&2
fi

pg_root=${SPARK_K8S_PG_ROOT:-/usr/lib/postgresql}
missing=()
# "<Debian package>:<what the tests run>"
command -v yamllint >/dev/null 2>&1 || missing+=("yamllint:yamllint")
command -v shellcheck >/dev/null 2>&1 || missing+=("shellcheck:shellcheck")
command -v promtool >/dev/null 2>&1 || missing+=("prometheus:promtool")
# python3 itself is a base requirement (images/versions.py, the DAG tests); only its jinja2 module is installed here.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import jinja2' >/dev/null 2>&1; then missing+=("python3-jinja2:the python3 module jinja2 (renders the example DAGs' SparkApplication template)"); fi
[ -x "$pg_root/15/bin/pg_ctl" ] && [ -x "$pg_root/15/bin/initdb" ] || missing+=("postgresql-15:$pg_root/15/bin/pg_ctl and initdb")

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

packages=()
for entry in "${missing[@]}"; do
  packages+=("${entry%%:*}")
done

if [ "$(id -u)" -ne 0 ]; then
  for entry in "${missing[@]}"; do
    echo "warning: missing ${entry#*:}: install the Debian package ${entry%%:*} (sudo apt-get install ${entry%%:*}); the tests that need it will fail" >&2
  done
  exit 0
fi

echo "Installing Debian packages: ${packages[*]} ..." >&2
if ! apt-get update -qq >&2; then
  echo "error: apt-get update failed; install ${packages[*]} by hand" >&2
  exit 1
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
  echo "error: apt-get install ${packages[*]} failed" >&2
  exit 1
fi
