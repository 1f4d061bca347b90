#!/usr/bin/env python3
"""Prints the one-line-per-target summary the benchmark drivers share, from a hyperfine --export-json file.

  target-line.py NAME JSON MEASURED FLOOR LIMIT INPUT [--floor-name TEXT]

MEASURED and FLOOR are the indexes of the two commands in the hyperfine export (paired: the same run, the same
machine); LIMIT is the highest allowed ratio of their medians (measured / floor). The spread is the lowest and highest
ratio of the runs taken pairwise in order, so one disturbed run on a noisy machine shows as spread, not as the figure;
the ratio of CPU times (user + system) is printed beside it.
"""
import json
import sys


def main(argv):
    if len(argv) < 7:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name, path, measured, floor, limit, size = argv[1], argv[2], int(argv[3]), int(argv[4]), float(argv[5]), argv[6]
    floor_name = argv[8] if len(argv) > 8 and argv[7] == "--floor-name" else None
    results = json.load(open(path, encoding="utf-8"))["results"]
    m, f = results[measured], results[floor]
    ratio = m["median"] / f["median"]
    pairs = [a / b for a, b in zip(m["times"], f["times"]) if b > 0]
    spread = f"{min(pairs):.2f}-{max(pairs):.2f}" if pairs else "n/a"
    verdict = "ok" if ratio <= limit else "MISSED"
    # CPU time (user + system, means) is what other load on a shared machine disturbs least; shown beside the wall ratio.
    cpu_floor = f["user"] + f["system"]
    cpu = f"{(m['user'] + m['system']) / cpu_floor:.2f}x" if cpu_floor > 0 else "n/a"
    print(f"{name}: {ratio:.2f}x (target <= {limit:g}x) {verdict}; floor: {floor_name or f['command']} "
          f"{f['median']:.3f} s, measured {m['median']:.3f} s (wall medians of {len(m['times'])}, pairwise spread {spread}; "
          f"CPU-time ratio {cpu}); input: {size}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
