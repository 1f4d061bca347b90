#!/usr/bin/env bash
# Regenerates the CLI's embedded structural-only schema bundle
# (src/SparkK8s.Core/Validation/Schema/Bundle/k8s-schemas.json.gz) from upstream documents:
#   $1  the Kubernetes OpenAPI v2 document, named v<major>.<minor>-swagger.json (e.g. api/openapi-spec/swagger.json
#       of a Kubernetes release, or kubernetes/swagger.json.unprocessed of kubernetes-client/python)
#   $2  a CRD schema directory in the datreeio/CRDs-catalog layout: <group>/<kind-lowercase>_<version>.json
# Both are required. Afterwards update the sources table in Bundle/README.md from the printed sha256 lines.
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: scripts/generate-schema-bundle.sh <openapi-v2.json> <crd-directory>" >&2
  exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
openapi=$(realpath "$1")
crds=$(realpath "$2")
dotnet run --project "$root/tools/SparkK8s.SchemaBundler" -c Release -v quiet -- \
  "$openapi" "$crds" "$root/src/SparkK8s.Core/Validation/Schema/Bundle/k8s-schemas.json.gz"
