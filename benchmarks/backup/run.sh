#!/usr/bin/env bash
# Measures `spark-k8s backup run` and `backup restore` against their plain baselines in the same run, with hyperfine:
#   backup run      vs  pg_dump -Fc to a local file                              (target: <= 1.15x)
#   backup restore  vs  createdb + pg_restore --single-transaction from a file   (target: <= 1.2x)
# on a generated PostgreSQL database of about SIZE_MB (default 1024) MB, against a local PostgreSQL server and s3rver
# on 127.0.0.1, RUNS (default 3) runs each; `backup verify` is timed once. Prints one line per target on stdout
# (ratio of the medians, its floor, the input size, the pairwise spread; benchmarks/lib/target-line.py) and a
# Markdown table with the details on stderr. Not a test: run it by hand on the machine you want figures for.
#   benchmarks/backup/run.sh            # ~1 GB
#   SIZE_MB=200 RUNS=5 benchmarks/backup/run.sh
# Needs: PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin), node + s3rver
# (scripts/ensure-test-deps.sh), hyperfine, the .NET SDK. As root, the server runs as the "postgres" user.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-3}
command -v hyperfine >/dev/null || { echo "error: hyperfine is not installed (apt-get install hyperfine)" >&2; exit 1; }
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

pg_uri() { echo "postgresql://postgres@127.0.0.1:$pg_port/$1"; }
drop_db() { echo "$pg_bin/psql -X -q -v ON_ERROR_STOP=1 $(pg_uri postgres) -c 'DROP DATABASE IF EXISTS $1 WITH (FORCE)'"; }
restore_flags="--no-owner --no-privileges --exit-on-error --no-password --single-transaction"

echo "backup run vs pg_dump -Fc to a local file ($runs runs each) ..." >&2
# One backup first, so `latest` exists for restore and the CLI has run once (JIT caches, s3rver warmed).
"${cli[@]}" backup run --database "$(pg_uri metastore)" --name metastore "${common[@]}" -o json >"$work/last.json"
archive_bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifest"]["sizeBytes"])' "$work/last.json")
hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/dump.json" \
  -n "pg_dump -Fc to a local file" "$pg_bin/pg_dump --format=custom --no-sync --no-password --dbname=$(pg_uri metastore) --file=$work/plain.dump" \
  -n "backup run" "${cli[*]} backup run --database $(pg_uri metastore) --name metastore ${common[*]} --keep-last 2 --retention-days 1 -o json" >&2

echo "backup restore vs createdb + pg_restore --single-transaction from a local file ($runs runs each) ..." >&2
hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/restore.json" \
  --prepare "$(drop_db metastore_plain)" \
  -n "createdb + pg_restore --single-transaction from a local file" \
  "$pg_bin/createdb --no-password -h 127.0.0.1 -p $pg_port -U postgres metastore_plain && $pg_bin/pg_restore $restore_flags --dbname=$(pg_uri metastore_plain) $work/plain.dump" \
  --prepare "$(drop_db metastore_restored)" \
  -n "backup restore" "${cli[*]} backup restore --backup latest --name metastore --database $(pg_uri metastore_restored) --create ${common[*]} -o json" >&2

echo "backup verify (once) ..." >&2
t_verify=$(timed verify "${cli[@]}" backup verify --backup latest --name metastore --scratch "$(pg_uri metastore_verify)" "${common[@]}" -o json)
verify_status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$work/last.json")

# Medians: on a shared machine one disturbed run moves the mean a lot; the means are shown too.
stat() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])][sys.argv[3]])' "$1" "$2" "$3"; }
t_dump=$(stat "$work/dump.json" 0 median)
t_backup=$(stat "$work/dump.json" 1 median)
t_plain_restore=$(stat "$work/restore.json" 0 median)
t_restore=$(stat "$work/restore.json" 1 median)
m_dump=$(stat "$work/dump.json" 0 mean)
m_backup=$(stat "$work/dump.json" 1 mean)
m_plain_restore=$(stat "$work/restore.json" 0 mean)
m_restore=$(stat "$work/restore.json" 1 mean)
mb() { python3 -c "print(round($1 / 1048576, 1))"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
cat >&2 <<REPORT

| measure (\`SIZE_MB=$size_mb RUNS=$runs benchmarks/backup/run.sh\`) | value |
| --- | --- |
| machine | $(nproc) CPU cores, $(free -g | awk '/^Mem:/ {print $2}') GiB RAM, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}'), s3rver on loopback |
| database size (pg_database_size) | $(mb "$db_bytes") MiB |
| generating the data | $(printf '%.0f' "$(calc "$t1 - $t0")") s |
| archive size (pg_dump -Fc) | $(mb "$archive_bytes") MiB |
| pg_dump -Fc to a local file (baseline): median / mean of $runs | $(printf '%.2f' "$t_dump") s / $(printf '%.2f' "$m_dump") s |
| backup run (dump + upload + manifest + retention): median / mean | $(printf '%.2f' "$t_backup") s / $(printf '%.2f' "$m_backup") s |
| **backup run / pg_dump -Fc** (target <= 1.15x): medians / means | **$(ratio "$t_backup" "$t_dump")** / $(ratio "$m_backup" "$m_dump") |
| createdb + pg_restore --single-transaction from a local file (baseline): median / mean | $(printf '%.2f' "$t_plain_restore") s / $(printf '%.2f' "$m_plain_restore") s |
| backup restore (streamed download + SHA-256 + one transaction + row counts): median / mean | $(printf '%.2f' "$t_restore") s / $(printf '%.2f' "$m_restore") s |
| **backup restore / plain pg_restore** (target <= 1.2x): medians / means | **$(ratio "$t_restore" "$t_plain_restore")** / $(ratio "$m_restore" "$m_plain_restore") |
| backup verify (streamed into a scratch database + row counts), once | $(printf '%.1f' "$t_verify") s, $verify_status |
| peak memory of the CLI process in verify | $(rss verify) |
REPORT
input="$(mb "$db_bytes") MiB database, $(mb "$archive_bytes") MiB archive"
python3 "$root/benchmarks/lib/target-line.py" "backup run" "$work/dump.json" 1 0 1.15 "$input" --floor-name "pg_dump -Fc to a local file"
python3 "$root/benchmarks/lib/target-line.py" "backup restore" "$work/restore.json" 1 0 1.2 "$input" --floor-name "createdb + pg_restore --single-transaction"
