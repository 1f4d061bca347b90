#!/usr/bin/env bash
# Builds the project's images from the version table (charts/spark-k8s/values.yaml, read by images/versions.py):
# spark, jupyter, airflow and data-quality once per Spark line, metastore and tools once, spark-gpu once per line with a
# RAPIDS jar (FROM that line's spark image, which --image spark-gpu builds first). Tags <registry>/<name>:<tag> with the tag the chart
# renders for that image, pushes with --push, and prints each pushed image's digest for image.digest / values.
#
#   images/build.sh --registry registry.example.com/platform [--push] [--line 4.1] [--image spark] [--platform P]
#
# Needs docker with buildx (or podman: SPARK_K8S_BUILDER=podman) and python3; the builds download from the Maven
# repository and PyPI, and stop before building when a pin is missing from the table.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
versions="$root/images/versions.py"
registry=""
push=false
only_line=""
only_image=""
platform="linux/amd64"
builder="${SPARK_K8S_BUILDER:-docker}"

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --registry) registry="${2:?--registry needs a value}"; shift 2 ;;
    --push) push=true; shift ;;
    --line) only_line="${2:?--line needs a value}"; shift 2 ;;
    --image) only_image="${2:?--image needs a value}"; shift 2 ;;
    --platform) platform="${2:?--platform needs a value}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "error: unknown argument $1" >&2; usage ;;
  esac
done

if [ -z "$registry" ]; then
  echo "error: --registry is required (e.g. --registry registry.example.com/platform)" >&2
  exit 2
fi
registry="${registry%/}"
# images/versions.py names the spark-gpu image's base (the line's images/spark) under this registry.
export SPARK_K8S_REGISTRY="$registry"
case "$builder" in
  docker|podman) ;;
  *) echo "error: SPARK_K8S_BUILDER must be docker or podman, not $builder" >&2; exit 2 ;;
esac

# Every requirement of a requirements file must carry --hash: stop here with the file and package named, instead of
# letting pip fail deep inside the build.
check_hashes() {
  local file="$1" missing
  missing=$(awk '
    /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
    /^[^[:space:]]/ { if (name != "" && !hashed) print name; name = $1; hashed = 0 }
    match($0, /--hash=sha256:[0-9a-f]+/) && RLENGTH == 78 { hashed = 1 }
    END { if (name != "" && !hashed) print name }' "$file")
  if [ -n "$missing" ]; then
    echo "error: ${file#"$root"/} has requirements without --hash:" >&2
    while IFS= read -r name; do echo "  $name" >&2; done <<<"$missing"
    echo "record each with images/pin.sh pypi:NAME==VERSION and add it to that file" >&2
    return 1
  fi
}

build() {
  local image="$1" line="$2" tag ref build_args args=() key_value
  # set -e does not apply inside a function called with ||: every step checks its own status.
  tag=$(python3 "$versions" tag "$image" "$line") || return 1
  build_args=$(python3 "$versions" build-args "$image" "$line") || return 1
  ref="$registry/$image:$tag"
  while IFS= read -r key_value; do
    if [ -n "$key_value" ]; then
      args+=(--build-arg "$key_value")
    fi
  done <<<"$build_args"
  case "$image" in
    spark|jupyter|airflow|data-quality) check_hashes "$root/images/$image/requirements-$line.txt" || return 1 ;;
  esac

  local context="$root/images/$image" file="$root/images/$image/Dockerfile"
  if [ "$image" = "tools" ]; then
    context="$root"
  fi
  echo "building $ref" >&2
  if [ "$builder" = "docker" ]; then
    local output=(--load)
    if [ "$push" = true ]; then
      output=(--push)
    fi
    # Build logs go to stderr: stdout carries only the image references (and digests), one per line.
    docker buildx build --platform "$platform" "${args[@]}" -f "$file" -t "$ref" "${output[@]}" "$context" >&2 || return 1
  else
    podman build --platform "$platform" "${args[@]}" -f "$file" -t "$ref" "$context" >&2 || return 1
    if [ "$push" = true ]; then
      podman push "$ref" >&2 || return 1
    fi
  fi
  if [ "$push" = true ]; then
    local digest
    if [ "$builder" = "docker" ]; then
      digest=$(docker buildx imagetools inspect "$ref" --format '{{json .Manifest.Digest}}' | tr -d '"') || return 1
    else
      digest=$(podman image inspect "$ref" --format '{{.Digest}}') || return 1
    fi
    echo "$ref@$digest"
  else
    echo "$ref"
  fi
}

case "$only_image" in
  ""|spark|jupyter|airflow|metastore|tools|data-quality|spark-gpu) ;;
  *) echo "error: --image must be spark, jupyter, airflow, metastore, tools, data-quality or spark-gpu" >&2; exit 2 ;;
esac

mapfile -t lines < <(python3 "$versions" lines)
if [ -n "$only_line" ] && ! printf '%s\n' "${lines[@]}" | grep -qxF "$only_line"; then
  echo "error: --line $only_line is not in spark.releases (lines: ${lines[*]})" >&2
  exit 2
fi

mapfile -t gpu_lines < <(python3 "$versions" lines spark-gpu)
if [ "$only_image" = "spark-gpu" ] && [ -n "$only_line" ] && ! printf '%s\n' "${gpu_lines[@]}" | grep -qxF "$only_line"; then
  echo "error: --image spark-gpu --line $only_line: the RAPIDS Accelerator does not support that line (spark.releases.$only_line.componentJars.rapids is empty; lines with RAPIDS: ${gpu_lines[*]:-none})" >&2
  exit 2
fi

status=0
built_spark=" "
for image in spark jupyter airflow metastore tools data-quality spark-gpu; do
  if [ -n "$only_image" ] && [ "$image" != "$only_image" ]; then
    continue
  fi
  case "$image" in
    spark|jupyter|airflow|data-quality)
      for line in "${lines[@]}"; do
        if [ -z "$only_line" ] || [ "$line" = "$only_line" ]; then
          if build "$image" "$line"; then
            [ "$image" = spark ] && built_spark+="$line "
          else
            status=1
          fi
        fi
      done ;;
    spark-gpu)
      for line in "${gpu_lines[@]}"; do
        if [ -z "$only_line" ] || [ "$line" = "$only_line" ]; then
          # Its base, the line's spark image, first (unless this run built it already).
          if [[ "$built_spark" != *" $line "* ]]; then
            build spark "$line" || { status=1; continue; }
          fi
          build spark-gpu "$line" || status=1
        fi
      done ;;
    *) build "$image" "" || status=1 ;;
  esac
done
exit "$status"
