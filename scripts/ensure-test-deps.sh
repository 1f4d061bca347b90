#!/usr/bin/env bash
# Installs what the test suite needs besides the .NET SDK, idempotently:
#   - Helm 4 and Helm 3 (scripts/ensure-helm.sh --all)
#   - the s3rver S3 server (npm, into .tools/node)
# Debian packages (PostgreSQL server binaries, promtool, ...) are installed by .ci/run, which runs as root.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/ensure-helm.sh" --all

node_dir="$root/.tools/node"
if [ ! -f "$node_dir/node_modules/s3rver/bin/s3rver.js" ]; then
  echo "Installing s3rver (npm) ..." >&2
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-audit --no-fund --silent s3rver@3.7.1 >&2
fi
