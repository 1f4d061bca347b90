#!/usr/bin/env bash
# Regenerates tests/fixtures/spark-event-logs-compressed: every uncompressed fixture log compressed with each codec
# Spark writes (lz4, lzf, snappy, zstd), with Spark's own Java libraries and stream settings, named as Spark names them
# (<appId>.<codec>; rolling parts events_<N>_<appId>.<codec>).
# Usage: scripts/generate-compressed-event-logs.sh SOURCE_DIR OUTPUT_DIR
#   SOURCE_DIR  uncompressed logs, e.g. tests/fixtures/spark-event-logs
#   OUTPUT_DIR  where to write <codec>/... (e.g. tests/fixtures/spark-event-logs-compressed)
# Needs Java 11+ and the jars lz4-java, snappy-java, compress-lzf and zstd-jni (Debian: liblz4-java, libsnappy-java,
# libcompress-lzf-java, libzstd-jni-java install them in /usr/share/java; JARS=dir overrides).
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 SOURCE_DIR OUTPUT_DIR" >&2
  exit 2
fi

source_dir=$1
output_dir=$2
jars=${JARS:-/usr/share/java}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
classpath="$jars/lz4-java.jar:$jars/snappy-java.jar:$jars/compress-lzf.jar:$jars/zstd-jni.jar"
for jar in ${classpath//:/ }; do
  [ -f "$jar" ] || { echo "error: $jar not found (set JARS to the directory holding it)" >&2; exit 1; }
done

[ -d "$source_dir" ] || { echo "error: $source_dir is not a directory" >&2; exit 2; }
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac -cp "$classpath" -d "$classes" "$here/event-log-codecs/CompressEventLogs.java"

for codec in lz4 lzf snappy zstd; do
  while IFS= read -r -d '' log; do
    relative=${log#"$source_dir"/}
    target="$output_dir/$codec/$relative.$codec"
    mkdir -p "$(dirname "$target")"
    java -cp "$classes:$classpath" CompressEventLogs "$codec" "$log" "$target"
  done < <(find "$source_dir" -type f ! -name '*.md' -print0 | sort -z)
done
echo "wrote $output_dir/{lz4,lzf,snappy,zstd}"
