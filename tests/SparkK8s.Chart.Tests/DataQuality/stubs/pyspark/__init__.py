"""Stand-in of pyspark for runner_tests.py."""
