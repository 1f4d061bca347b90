#!/usr/bin/env bash
# Maintainer tool: downloads an artifact once, computes its SHA-256 and prints the entry for the version table.
#   images/pin.sh org.apache.spark:spark-connect_2.12:3.5.8     -> {coordinate: ..., sha256: ...} for values.yaml
#   images/pin.sh pypi:pyarrow==17.0.0 [PLATFORM]               -> NAME==VERSION with --hash lines for requirements
# PLATFORM defaults to manylinux2014_x86_64 (wheels for the images' Python 3.10); a package without wheels is pinned
# by its source distribution. Needs network access (MAVEN_REPOSITORY, default Maven Central; pip's index).
# Compare the printed SHA-256 with a second source (the project's page or a public lock file) before committing it.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case "$1" in
  pypi:*==*)
    requirement="${1#pypi:}"
    platform="${2:-manylinux2014_x86_64}"
    if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.10 \
        --platform "$platform" --dest "$work" "$requirement" 2>/dev/null; then
      python3 -m pip download --quiet --no-deps --no-binary=:all: --dest "$work" "$requirement"
    fi
    echo "$requirement \\"
    for file in "$work"/*; do
      echo "    --hash=sha256:$(sha256sum "$file" | cut -d' ' -f1)  # $(basename "$file")"
    done ;;
  *:*:*)
    IFS=: read -r group artifact version extra <<<"$1"
    if [ -n "${extra:-}" ] || [ -z "$version" ]; then
      echo "error: $1 is not group:artifact:version" >&2
      exit 2
    fi
    repository="${MAVEN_REPOSITORY:-https://repo1.maven.org/maven2}"
    path="${group//.//}/$artifact/$version/$artifact-$version.jar"
    curl -fsSL --proto '=https' -o "$work/artifact.jar" "${repository%/}/$path"
    echo "- {coordinate: $1, sha256: $(sha256sum "$work/artifact.jar" | cut -d' ' -f1)}" ;;
  *)
    echo "error: give a Maven coordinate group:artifact:version or pypi:NAME==VERSION, not $1" >&2
    exit 2 ;;
esac
