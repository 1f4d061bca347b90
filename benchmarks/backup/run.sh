#!/usr/bin/env bash
# Measures `spark-k8s backup run`, `backup verify` and `backup restore` on a generated PostgreSQL
# database of about SIZE_MB (default 1024) MB, against a local PostgreSQL server and s3rver on 127.0.0.1.
# Prints the timings as a Markdown table. Not a test: run it by hand on the machine you want figures for.
#   benchmarks/backup/run.sh            # ~1 GB
#   SIZE_MB=200 benchmarks/backup/run.sh
# Needs: PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin), node + s3rver
# (scripts/ensure-test-deps.sh), the .NET SDK. As root, the server runs as the "postgres" user.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
size_mb=${SIZE_MB:-1024}
pg_bin=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
[ -x "$pg_bin/initdb" ] || { echo "error: no PostgreSQL server binaries under /usr/lib/postgresql/<major>/bin" >&2; exit 1; }
"$root/scripts/ensure-test-deps.sh" >/dev/null

work=$(mktemp -d /tmp/spark-k8s-bench-XXXXXX)
chmod 0755 "$work"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  as_pg=(runuser -u postgres --)
  chown postgres: "$work"
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pg_port=$(free_port)
s3_port=$(free_port)
s3_pid=""

cleanup() {
  if [ -f "$work/data/postmaster.pid" ]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$s3_pid" ]; then
    kill "$s3_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export PGPASSWORD="bench-$RANDOM$RANDOM"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
echo "$PGPASSWORD" > "$work/pwfile"
[ "${#as_pg[@]}" -gt 0 ] && chown postgres: "$work/pwfile"

echo "Starting PostgreSQL ($pg_bin) on 127.0.0.1:$pg_port and s3rver on 127.0.0.1:$s3_port ..." >&2
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/data" -U postgres --pwfile="$work/pwfile" --auth=scram-sha-256 -E UTF8 --no-locale >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = ''
shared_buffers = 256MB
max_wal_size = 4GB
CONF
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/data" -l "$work/data/server.log" -w start >/dev/null
mkdir -p "$work/s3"
node "$root/.tools/node/node_modules/s3rver/bin/s3rver.js" --directory "$work/s3" --address 127.0.0.1 --port "$s3_port" \
  --silent --configure-bucket backups >/dev/null 2>&1 &
s3_pid=$!

psql_run() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$pg_port/$1" -c "$2"; }
psql_value() { "$pg_bin/psql" -X -A -t -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$pg_port/$1" -c "$2"; }

# A metastore-shaped database: many narrow catalog rows plus parameter text and binary blobs.
rows=$((size_mb * 4000))
blobs=$((size_mb * 2))
echo "Generating ~${size_mb} MB ($rows rows + $blobs blobs of 128 KB) ..." >&2
psql_run postgres "CREATE DATABASE metastore"
t0=$(date +%s.%N)
psql_run metastore "
  CREATE TABLE \"TBLS\" (\"TBL_ID\" bigint PRIMARY KEY, \"DB_ID\" bigint, \"TBL_NAME\" varchar(256), \"OWNER\" varchar(767), \"CREATE_TIME\" integer, \"LOCATION\" varchar(4000));
  CREATE TABLE \"TABLE_PARAMS\" (\"TBL_ID\" bigint, \"PARAM_KEY\" varchar(256), \"PARAM_VALUE\" text, PRIMARY KEY (\"TBL_ID\", \"PARAM_KEY\"));
  CREATE TABLE \"FUNC_RESOURCES\" (\"FUNC_ID\" bigint PRIMARY KEY, \"RESOURCE_URI\" varchar(4000), \"JAR\" bytea);
  INSERT INTO \"TBLS\" SELECT i, i % 500, 'table_' || i, 'owner_' || (i % 97), 1700000000 + i, 's3a://warehouse/db_' || (i % 500) || '/table_' || i || '/' || md5(i::text) FROM generate_series(1, $rows / 2) i;
  INSERT INTO \"TABLE_PARAMS\" SELECT t, k, md5(t::text || k) || repeat(' stat', 8) FROM generate_series(1, $rows / 4) t, unnest(ARRAY['numRows', 'totalSize']) k;
  INSERT INTO \"FUNC_RESOURCES\" SELECT i, 's3a://jars/udf_' || i || '.jar', (SELECT string_agg(decode(md5(random()::text || i || j), 'hex'), ''::bytea) FROM generate_series(1, 8192) j) FROM generate_series(1, $blobs) i;
  ANALYZE;"
t1=$(date +%s.%N)
db_bytes=$(psql_value metastore "SELECT pg_database_size('metastore')")

cli=("$root/spark-k8s")
"${cli[@]}" --help >/dev/null   # builds the CLI once, outside the timings (fails the run if the build fails)
common=(--target s3://backups/bench --s3-endpoint "http://127.0.0.1:$s3_port" --pg-bin "$pg_bin")
calc() { python3 -c "print($1)"; }
# Runs a command with stdout to $work/last.json; prints its wall time in seconds. With GNU time installed, the
# peak resident memory (KiB) of the command goes to $work/<label>.rss.
timed() {
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M' -o "$work/$label.rss" "$@" >"$work/last.json"
  else
    "$@" >"$work/last.json"
  fi
  end=$(date +%s.%N)
  calc "$end - $start"
}
rss() { if [ -f "$work/$1.rss" ]; then echo "$(( $(tail -n 1 "$work/$1.rss") / 1024 )) MiB"; else echo "n/a (no /usr/bin/time)"; fi; }

echo "pg_dump alone (baseline) ..." >&2
t_dump=$(timed dump "$pg_bin/pg_dump" --format=custom --no-sync --no-password "--dbname=postgresql://postgres@127.0.0.1:$pg_port/metastore" --file=/dev/null)
echo "backup run ..." >&2
t_backup=$(timed backup "${cli[@]}" backup run --database "postgresql://postgres@127.0.0.1:$pg_port/metastore" --name metastore "${common[@]}" -o json)
archive_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifest"]["sizeBytes"])' "$work/last.json")
echo "backup verify ..." >&2
t_verify=$(timed verify "${cli[@]}" backup verify --backup latest --scratch "postgresql://postgres@127.0.0.1:$pg_port/metastore_verify" --temp-dir "$work" "${common[@]}" -o json)
echo "backup restore ..." >&2
t_restore=$(timed restore "${cli[@]}" backup restore --backup latest --database "postgresql://postgres@127.0.0.1:$pg_port/metastore_restored" --create --temp-dir "$work" "${common[@]}" -o json)
restored_status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$work/last.json")

mb() { python3 -c "print(round($1 / 1048576, 1))"; }
cat <<REPORT

| measure | value |
| --- | --- |
| machine | $(nproc) CPU cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), s3rver on loopback |
| database size (pg_database_size) | $(mb "$db_bytes") MiB |
| generating the data | $(printf '%.0f' "$(calc "$t1 - $t0")") s |
| archive size (pg_dump -Fc) | $(mb "$archive_bytes") MiB |
| pg_dump -Fc to /dev/null (baseline, no upload) | $(printf '%.1f' "$t_dump") s |
| backup run (dump + upload + manifest + retention) | $(printf '%.1f' "$t_backup") s |
| backup verify (download + SHA-256 + restore into scratch + row counts) | $(printf '%.1f' "$t_verify") s |
| backup restore (download + SHA-256 + restore in one transaction + row counts) | $(printf '%.1f' "$t_restore") s |
| restore result | $restored_status |
| peak memory of the CLI process: backup run / verify / restore | $(rss backup) / $(rss verify) / $(rss restore) |
REPORT
