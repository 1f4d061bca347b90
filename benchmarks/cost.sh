#!/usr/bin/env bash
# The `spark-k8s cost` targets of issue 15, against their floors in the same run, on one core (taskset -c 0):
#   cost throughput    cold one-shot `spark-k8s cost FILE` on an uncompressed log   target >= 1 GB/s (wall)
#                      floors: a warm Utf8JsonReader pass over the same bytes (benchmarks/SparkK8s.Benchmarks
#                      json-floor) and the I/O floor `cat FILE > /dev/null`
#   small files        the same bytes as many small logs vs one file                target <= 1.2x
#   memory (input)     peak RSS for twice the log vs the log                        target <= 1.1x (flat)
#                      (a quarter of the log is printed too: below about 0.5 GB the heap has not yet grown to the
#                      size it keeps, so that ratio shows the collector settling, not growth with the input)
#   memory (apps)      peak RSS growth per application, half vs all small logs      reported (at most linear)
# Inputs are built in a temp directory by concatenating and copying tests/fixtures/spark-event-logs up to SIZE_MB
# (default 1024) and read once first, so every run reads from the page cache. RUNS (default 5) rounds, each one run of
# every command in turn (hyperfine --runs 1), so the runs compared are taken side by side and a machine whose speed
# drifts during the benchmark moves both sides of a ratio alike; medians with the pairwise spread, so a disturbed round
# on a noisy 2-core machine shows as spread. The CLI is the one
# ./spark-k8s builds. Prints one line per target. Not a test: ./test.sh does not run it.
#   benchmarks/cost.sh
#   SIZE_MB=256 RUNS=3 benchmarks/cost.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size_mb=${SIZE_MB:-1024}
runs=${RUNS:-5}
fixtures="$root/tests/fixtures/spark-event-logs"
for tool in hyperfine taskset python3 dotnet; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (hyperfine: apt-get install hyperfine)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is needed for peak memory (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d /tmp/spark-k8s-cost-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

# cost does not call Helm; naming a binary keeps the wrapper from probing for one.
export SPARK_K8S_HELM=${SPARK_K8S_HELM:-$root/.tools/helm/v4/helm}
"$root/spark-k8s" --help >/dev/null   # builds the CLI once, outside the timings
echo "Building the JSON-floor benchmark ..." >&2
dotnet build "$root/benchmarks/SparkK8s.Benchmarks" -c Release --nologo -v quiet >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
floor_dll="$root/benchmarks/SparkK8s.Benchmarks/bin/Release/net10.0/SparkK8s.Benchmarks.dll"

echo "Building ${size_mb} MB of event logs from $fixtures ..." >&2
python3 - "$fixtures" "$work" "$size_mb" <<'PY'
import os, re, sys
fixtures, work, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
sources = sorted(os.path.join(d, f) for d, _, fs in os.walk(fixtures) for f in fs if not f.endswith(".md"))
data = [open(s, "rb").read() for s in sources]
# One large application: each copy's task ids are shifted past the previous copies', so no task end is a duplicate
# (as in one long-running app) and the de-duplication set grows with the log, as it would in production.
task_id = re.compile(rb'("Task ID":)(\d+)')
split = [task_id.split(d) for d in data]
def shifted(pieces, offset):
    out = []
    for i in range(0, len(pieces) - 1, 3):
        out += [pieces[i], pieces[i + 1], str(int(pieces[i + 2]) + offset).encode()]
    out.append(pieces[-1])
    return b"".join(out)
def one(path, target):
    written = copy = 0
    with open(path, "wb") as out:
        while written < target:
            for pieces in split:
                chunk = shifted(pieces, copy * 1_000_000)
                out.write(chunk)
                written += len(chunk)
                copy += 1
def many(directory, target):
    os.makedirs(directory)
    written = count = 0
    while written < target:
        for d in data:
            open(os.path.join(directory, f"app-{count:06d}"), "wb").write(d)
            written += len(d)
            count += 1
    return count
target = size_mb * 1024 * 1024
one(os.path.join(work, "one"), target)
one(os.path.join(work, "quarter"), target // 4)
one(os.path.join(work, "double"), target * 2)
many(os.path.join(work, "many"), target)
many(os.path.join(work, "half"), target // 2)
PY
cat "$work/one" "$work/quarter" "$work/double" "$work/many"/* "$work/half"/* >/dev/null
one_bytes=$(stat -c %s "$work/one")
many_count=$(find "$work/many" -type f | wc -l)
half_count=$(find "$work/half" -type f | wc -l)
one_mb=$((one_bytes / 1000000))

cli="$root/spark-k8s"
pin=(taskset -c 0)
echo "cost vs cat, and many small files vs one file ($runs paired runs, one core) ..." >&2
# -N: no intermediate shell; hyperfine sends each command's output to /dev/null.
for round in $(seq "$runs"); do
  # One warm-up run of each command before the first round.
  hyperfine -N --style basic --runs 1 --warmup "$([ "$round" = 1 ] && echo 1 || echo 0)" --export-json "$work/cost-$round.json" \
    -n "cat FILE > /dev/null" "${pin[*]} cat $work/one" \
    -n "spark-k8s cost FILE" "${pin[*]} $cli cost $work/one -o json" \
    -n "spark-k8s cost DIR ($many_count files)" "${pin[*]} $cli cost $work/many -o json" >&2
done
# The rounds as one hyperfine export: each command's runs in round order, with their median and mean CPU times.
python3 - "$work/cost.json" "$work"/cost-*.json <<'PY'
import json, statistics, sys
rounds = [json.load(open(path))["results"] for path in sorted(sys.argv[2:], key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))]
merged = []
for i, first in enumerate(rounds[0]):
    runs = [r[i] for r in rounds]
    times = [t for run in runs for t in run["times"]]
    merged.append({"command": first["command"], "times": times, "median": statistics.median(times), "mean": statistics.fmean(times),
                   "user": statistics.fmean(run["user"] for run in runs), "system": statistics.fmean(run["system"] for run in runs)})
json.dump({"results": merged}, open(sys.argv[1], "w"))
PY

echo "JSON-reading floor (warm Utf8JsonReader pass) ..." >&2
floor_line=$("${pin[@]}" dotnet "$floor_dll" json-floor "$work/one" "$runs")
floor_mbps=$(awk '{print $2}' <<<"$floor_line")
floor_cpu_mbps=$(awk '{print $4}' <<<"$floor_line")

# Peak RSS in KiB of one cost run.
peak_kib() { /usr/bin/time -f '%M' -o "$work/rss" "${pin[@]}" "$cli" cost "$1" -o json >/dev/null 2>&1; tail -n 1 "$work/rss"; }
rss_one=$(peak_kib "$work/one")
rss_quarter=$(peak_kib "$work/quarter")
rss_double=$(peak_kib "$work/double")
rss_many=$(peak_kib "$work/many")
rss_half=$(peak_kib "$work/half")

python3 - "$work/cost.json" "$one_bytes" "$floor_mbps" "$floor_cpu_mbps" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
size, floor_mbps, floor_cpu_mbps = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cat, cost = results[0], results[1]
gbps = [size / t / 1e9 for t in cost["times"]]
median = size / cost["median"] / 1e9
cat_gbps = size / cat["median"] / 1e9
verdict = "ok" if median >= 1.0 else "MISSED"
# Per CPU-second (user + system, means): the rate the one core gives when other load shares it.
per_cpu = size / (cost["user"] + cost["system"]) / 1e9
print(f"cost throughput (1 core, cold one-shot, uncompressed): {median:.2f} GB/s wall (target >= 1 GB/s) {verdict}, "
      f"{per_cpu:.2f} GB per CPU-second; "
      f"floors: JSON read warm {floor_mbps / 1000:.2f} GB/s wall ({median * 1000 / floor_mbps:.2f}x of it), "
      f"{floor_cpu_mbps / 1000:.2f} GB per CPU-second ({per_cpu * 1000 / floor_cpu_mbps:.2f}x of it), "
      f"I/O cat {cat_gbps:.1f} GB/s ({median / cat_gbps:.2f}x of it); median of {len(gbps)}, spread {min(gbps):.2f}-{max(gbps):.2f} GB/s; "
      f"input: {size / 1e6:.0f} MB in 1 file")
PY
python3 "$root/benchmarks/lib/target-line.py" "cost small files (1 core)" "$work/cost.json" 2 1 1.2 \
  "$one_mb MB as $many_count files vs 1 file" --floor-name "the same bytes in one file"
python3 - "$rss_one" "$rss_quarter" "$rss_double" "$rss_many" "$rss_half" "$many_count" "$half_count" "$one_mb" <<'PY'
import sys
one, quarter, double, many, half, n_many, n_half, mb = (int(v) for v in sys.argv[1:])
ratio = double / one
print(f"cost memory vs input size: {ratio:.2f}x peak RSS for twice the input (target <= 1.1x, flat) {'ok' if ratio <= 1.1 else 'MISSED'}; "
      f"floor: the log {one / 1024:.0f} MiB; twice the log {double / 1024:.0f} MiB; a quarter of it {quarter / 1024:.0f} MiB ({one / quarter:.2f}x up to the log); "
      f"input: {mb // 4}, {mb} and {2 * mb} MB in 1 file")
per_app = (many - half) / max(n_many - n_half, 1)
print(f"cost memory vs applications: {per_app:.1f} KiB peak RSS per extra app (at most linear); "
      f"{half / 1024:.0f} MiB for {n_half} apps, {many / 1024:.0f} MiB for {n_many} apps; input: {n_half} vs {n_many} small logs")
PY
