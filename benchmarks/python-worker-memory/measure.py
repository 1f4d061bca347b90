#!/usr/bin/env python3
"""Smallest address-space limit (RLIMIT_AS) under which a fresh Python process can import modules.

Spark's Python worker (python/pyspark/worker.py) applies spark.executor.pyspark.memory divided by the executor's cores
as RLIMIT_AS (soft and hard) before it imports the UDF's modules; this script reproduces that order: set the limit,
then import. It bisects the limit in MiB and prints one JSON line per module set.

Usage: measure.py [--python PYTHON] MODULES [MODULES ...]    e.g. measure.py numpy numpy,pandas numpy,pandas,pyarrow
"""
import argparse
import json
import subprocess
import sys

PROBE = (
    "import resource, sys\n"
    "limit = int(sys.argv[1]) * 1024 * 1024\n"
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "for name in sys.argv[2].split(','):\n"
    "    __import__(name)\n"
)


def imports_within(python: str, mib: int, modules: str) -> bool:
    result = subprocess.run([python, "-c", PROBE, str(mib), modules], capture_output=True, check=False)
    return result.returncode == 0


def smallest_limit(python: str, modules: str, high: int = 16384) -> int:
    if not imports_within(python, high, modules):
        raise SystemExit(f"{modules}: cannot be imported even with {high} MiB (is it installed for {python}?)")
    low = 1
    while low < high:
        middle = (low + high) // 2
        if imports_within(python, middle, modules):
            high = middle
        else:
            low = middle + 1
    return high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("modules", nargs="+")
    args = parser.parse_args()
    for modules in args.modules:
        print(json.dumps({"modules": modules, "minimumAddressSpaceMiB": smallest_limit(args.python, modules)}))


if __name__ == "__main__":
    main()
