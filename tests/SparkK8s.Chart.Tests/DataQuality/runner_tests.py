"""Unit tests of charts/spark-k8s/files/data-quality/runner.py against the stand-ins in stubs/ (no PyPI here).

Run: python3 tests/SparkK8s.Chart.Tests/DataQuality/runner_tests.py (DataQualityRunnerTests.cs does, in the suite).
"""
from __future__ import annotations

import ast
import contextlib
import datetime as dt
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CHART = ROOT / "charts" / "spark-k8s"
sys.path.insert(0, str(HERE / "stubs"))
sys.path.insert(0, str(CHART / "files" / "data-quality"))

import boto3  # noqa: E402  (the stand-in)
import great_expectations  # noqa: E402  (the stand-in)
import runner  # noqa: E402
from pyspark import sql  # noqa: E402  (the stand-in)

EXAMPLES = CHART / "files" / "data-quality" / "suites"
DAG = CHART / "files" / "airflow" / "dags" / "spark_k8s_data_quality.py"
TOKEN = "sentinel-connect-token-never-printed"
SUITE = """name: trips
table: db.trips
expectations:
  - type: expect_column_values_to_not_be_null
    kwargs: {column: fare_amount}
  - type: expect_table_row_count_to_be_between
    kwargs: {min_value: 1}
"""


def environment(suites_dir, **overrides):
    env = {
        "DQ_MODE": "always",
        "DQ_ENVIRONMENT": "dev",
        "DQ_SUITES_DIR": str(suites_dir),
        "DQ_BUCKET": "spark-warehouse",
        "DQ_PREFIX": "data-quality",
        "DQ_DATA_DOCS": "true",
        "DQ_RESULT_FORMAT": "SUMMARY",
        "SPARK_REMOTE": f"sc://r-spark-k8s-connect.ns.svc:15002/;authorization=Bearer%20{TOKEN}",
        "AWS_ENDPOINT_URL_S3": "http://minio:9000",
        "HOSTNAME": "r-spark-k8s-data-quality-29000000-abcde",
    }
    env.update(overrides)
    return env


class RunnerCase(unittest.TestCase):
    def setUp(self):
        boto3.PUTS.clear()
        sql.SESSIONS.clear()
        great_expectations.FAILING_COLUMNS.clear()
        great_expectations.UNBUILDABLE_TYPES.clear()
        great_expectations.DOCS_SITES.clear()
        great_expectations.CONTEXTS.clear()
        self.folder = tempfile.TemporaryDirectory()
        self.suites = Path(self.folder.name)

    def tearDown(self):
        self.folder.cleanup()

    def write(self, name, text):
        (self.suites / name).write_text(text, encoding="utf-8")

    def main(self, argv=(), **overrides):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = runner.main(list(argv), environment(self.suites, **overrides))
        return code, out.getvalue(), err.getvalue()


class ModeDecision(unittest.TestCase):
    def test_always_and_scheduled_run_in_every_environment(self):
        for mode in ("always", "scheduled"):
            for env in ("", "dev", "staging", "prod"):
                self.assertTrue(runner.decide(mode, env).run, (mode, env))

    def test_skip_never_runs(self):
        for env in ("", "dev", "prod"):
            self.assertFalse(runner.decide("skip", env).run)

    def test_production_only_runs_only_in_prod(self):
        self.assertTrue(runner.decide("production_only", "prod").run)
        for env in ("", "dev", "staging", "production"):
            decision = runner.decide("production_only", env)
            self.assertFalse(decision.run, env)
            self.assertIn("not prod", decision.reason)

    def test_unknown_mode_is_a_usage_error_naming_the_setting(self):
        with self.assertRaisesRegex(runner.UsageError, "DQ_MODE: unknown mode 'sometimes'"):
            runner.decide("sometimes", "prod")


class SuiteLoading(RunnerCase):
    def test_a_valid_suite_parses(self):
        suite = runner.parse_suite(SUITE, "trips.yaml")
        self.assertEqual(("trips", "db.trips", 2), (suite.name, suite.table, len(suite.expectations)))

    def test_problems_name_the_file_and_the_field(self):
        cases = {
            "table: db.t\nexpectations: [{type: expect_x}]\n": "bad.yaml: name",
            "name: t\nexpectations: [{type: expect_x}]\n": "bad.yaml: table",
            "name: t\ntable: 'db.t; DROP TABLE x'\nexpectations: [{type: expect_x}]\n": "bad.yaml: table",
            "name: t\ntable: db.t\nexpectations: []\n": "bad.yaml: expectations must be a non-empty list",
            "name: t\ntable: db.t\nexpectations: [{type: not_an_expectation}]\n": r"bad.yaml: expectations\[0\]: type",
            "name: t\ntable: db.t\nexpectations: [{type: expect_x, kwargs: [1]}]\n": r"bad.yaml: expectations\[0\]: kwargs",
            "name: t\ntable: db.t\nexpectations: [{type: expect_x, column: a}]\n": r"expectations\[0\]: unknown key\(s\) column",
            "name: t\ntable: db.t\nowner: me\nexpectations: [{type: expect_x}]\n": r"bad.yaml: unknown key\(s\) owner",
            "name: [unclosed\n": "bad.yaml: not valid YAML",
            "- a list\n": "bad.yaml: a suite is a mapping",
        }
        for text, message in cases.items():
            with self.subTest(text=text):
                with self.assertRaisesRegex(runner.UsageError, message):
                    runner.parse_suite(text, "bad.yaml")

    def test_every_suite_of_the_folder_sorted_by_name(self):
        self.write("b.yaml", SUITE.replace("name: trips", "name: zeta"))
        self.write("a.yml", SUITE)
        self.assertEqual(["trips", "zeta"], [s.name for s in runner.load_suites(self.suites, [])])

    def test_named_suites_in_the_given_order(self):
        self.write("a.yaml", SUITE)
        self.write("b.yaml", SUITE.replace("name: trips", "name: zones"))
        self.assertEqual(["zones", "trips"], [s.name for s in runner.load_suites(self.suites, ["zones", "trips"])])

    def test_a_named_suite_that_does_not_exist_is_refused_with_the_ones_found(self):
        self.write("a.yaml", SUITE)
        with self.assertRaisesRegex(runner.UsageError, r"DQ_RUN: no suite named nope in .* \(found: trips\)"):
            runner.load_suites(self.suites, ["nope"])

    def test_two_files_with_one_suite_name_are_refused(self):
        self.write("a.yaml", SUITE)
        self.write("b.yaml", SUITE)
        with self.assertRaisesRegex(runner.UsageError, "b.yaml: suite 'trips' is also defined in a.yaml"):
            runner.load_suites(self.suites, [])

    def test_an_empty_or_missing_folder_is_refused(self):
        with self.assertRaisesRegex(runner.UsageError, "no suite files"):
            runner.load_suites(self.suites, [])
        with self.assertRaisesRegex(runner.UsageError, "is not a folder"):
            runner.load_suites(self.suites / "missing", [])

    def test_the_example_suites_load(self):
        names = [s.name for s in runner.load_suites(EXAMPLES, [])]
        self.assertEqual(["taxi_zones", "yellow_trips"], names)

    def test_the_example_dag_names_only_suites_that_exist(self):
        tree = ast.parse(DAG.read_text(encoding="utf-8"))
        suites = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "SUITES")
        self.assertTrue(suites)
        self.assertEqual(suites, [s.name for s in runner.load_suites(EXAMPLES, suites)])


class ResultPaths(unittest.TestCase):
    def test_result_key_is_prefix_suite_run_id_json(self):
        self.assertEqual("data-quality/trips/r1.json", runner.result_key("data-quality", "trips", "r1"))
        self.assertEqual("a/b/trips/r1.json", runner.result_key("/a/b/", "trips", "r1"))

    def test_docs_live_under_the_prefix(self):
        self.assertEqual("data-quality/docs", runner.docs_prefix("data-quality/"))

    def test_an_airflow_run_id_becomes_a_key_part(self):
        self.assertEqual("manual__2026-12-01T17_00_00_00_00", runner.sanitize_run_id("manual__2026-12-01T17:00:00+00:00"))
        with self.assertRaises(runner.UsageError):
            runner.sanitize_run_id("::")

    def test_the_default_run_id_is_utc_time_and_the_pod_suffix(self):
        now = dt.datetime(2026, 12, 1, 17, 0, 5, tzinfo=dt.timezone.utc)
        self.assertEqual("20261201T170005Z-abcde", runner.default_run_id(now, "r-spark-k8s-data-quality-29-abcde"))
        self.assertEqual("20261201T170005Z-local", runner.default_run_id(now, ""))


class ExitCodes(RunnerCase):
    def test_all_expectations_pass_exit_0_and_each_suite_has_its_json(self):
        self.write("a.yaml", SUITE)
        code, out, _ = self.main(["--run-id", "run-1"])
        self.assertEqual(0, code, out)
        self.assertEqual(["data-quality/trips/run-1.json"], [p["key"] for p in boto3.PUTS])
        put = boto3.PUTS[0]
        self.assertEqual(("spark-warehouse", "application/json", "http://minio:9000"), (put["bucket"], put["contentType"], put["endpoint"]))
        document = json.loads(put["body"])
        self.assertEqual(("trips", "db.trips", "run-1", True), (document["suite"], document["table"], document["runId"], document["success"]))
        self.assertEqual(["db.trips"], sql.SESSIONS[0].tables)
        self.assertTrue(sql.SESSIONS[0].stopped)

    def test_a_failed_expectation_exits_1(self):
        self.write("a.yaml", SUITE)
        great_expectations.FAILING_COLUMNS.add("fare_amount")
        code, out, _ = self.main(["--run-id", "run-2"])
        self.assertEqual(1, code)
        self.assertIn("FAILED, 1 of 2 expectation(s) failed", out)
        self.assertFalse(json.loads(boto3.PUTS[0]["body"])["success"], "a failed run still writes its result")

    def test_one_failed_suite_of_two_exits_1_and_both_are_written(self):
        self.write("a.yaml", SUITE)
        self.write("b.yaml", SUITE.replace("name: trips", "name: other").replace("fare_amount", "tip_amount"))
        great_expectations.FAILING_COLUMNS.add("tip_amount")
        code, _, _ = self.main(["--run-id", "r"])
        self.assertEqual(1, code)
        self.assertEqual(["data-quality/other/r.json", "data-quality/trips/r.json"], [p["key"] for p in boto3.PUTS])

    def test_skip_and_production_only_outside_prod_exit_0_without_touching_spark_or_s3(self):
        self.write("a.yaml", SUITE)
        for overrides in ({"DQ_MODE": "skip"}, {"DQ_MODE": "production_only", "DQ_ENVIRONMENT": "staging"}):
            code, out, _ = self.main(**overrides)
            self.assertEqual(0, code)
            self.assertIn("not validating", out)
        self.assertEqual([], boto3.PUTS)
        self.assertEqual([], sql.SESSIONS)

    def test_production_only_in_prod_validates(self):
        self.write("a.yaml", SUITE)
        code, _, _ = self.main(DQ_MODE="production_only", DQ_ENVIRONMENT="prod")
        self.assertEqual(0, code)
        self.assertEqual(1, len(boto3.PUTS))

    def test_a_bad_suite_exits_2_before_anything_runs(self):
        self.write("a.yaml", SUITE)
        self.write("b.yaml", "name: broken\ntable: db.t\nexpectations: []\n")
        code, out, err = self.main()
        self.assertEqual(2, code)
        self.assertIn("error: b.yaml: expectations must be a non-empty list", err)
        self.assertNotIn("Traceback", err)
        self.assertEqual([], boto3.PUTS, "no partial output")
        self.assertEqual([], sql.SESSIONS)

    def test_an_expectation_great_expectations_drops_exits_2(self):
        self.write("a.yaml", SUITE)
        great_expectations.UNBUILDABLE_TYPES.add("expect_table_row_count_to_be_between")
        code, _, err = self.main()
        self.assertEqual(2, code)
        self.assertIn("accepted 1 of 2 expectations", err)
        self.assertEqual([], boto3.PUTS)

    def test_a_suite_named_on_the_command_line_that_does_not_exist_exits_2(self):
        self.write("a.yaml", SUITE)
        code, _, err = self.main(["--suite", "missing"])
        self.assertEqual(2, code)
        self.assertIn("no suite named missing", err)

    def test_bad_settings_exit_2_naming_the_setting(self):
        self.write("a.yaml", SUITE)
        for overrides, message in (
            ({"DQ_RESULT_FORMAT": "ALL"}, "DQ_RESULT_FORMAT"),
            ({"DQ_DATA_DOCS": "maybe"}, "DQ_DATA_DOCS"),
            ({"DQ_BUCKET": ""}, "DQ_BUCKET"),
            ({"SPARK_REMOTE": "http://x"}, "SPARK_REMOTE"),
        ):
            code, _, err = self.main(**overrides)
            self.assertEqual(2, code, overrides)
            self.assertIn(message, err)

    def test_the_connect_token_is_never_printed(self):
        self.write("a.yaml", SUITE)
        great_expectations.FAILING_COLUMNS.add("fare_amount")
        code, out, err = self.main()
        self.assertEqual(1, code)
        self.assertNotIn(TOKEN, out + err)
        self.assertTrue(sql.SESSIONS[0].remote.endswith(TOKEN), "the session gets SPARK_REMOTE as set")

    def test_the_data_docs_site_is_on_s3_under_the_prefix(self):
        self.write("a.yaml", SUITE)
        self.main()
        site = great_expectations.DOCS_SITES[0]["site_config"]["store_backend"]
        self.assertEqual(("TupleS3StoreBackend", "spark-warehouse", "data-quality/docs"), (site["class_name"], site["bucket"], site["prefix"]))
        self.assertEqual({"endpoint_url": "http://minio:9000"}, site["boto3_options"])
        self.assertEqual("ephemeral", great_expectations.CONTEXTS[0].mode)

    def test_without_data_docs_no_site_and_no_action(self):
        self.write("a.yaml", SUITE)
        self.main(DQ_DATA_DOCS="false")
        self.assertEqual([], great_expectations.DOCS_SITES)
        self.assertEqual([], great_expectations.CONTEXTS[0].checkpoints.items[0].actions)

    def test_the_result_format_reaches_the_checkpoint(self):
        self.write("a.yaml", SUITE)
        self.main(DQ_RESULT_FORMAT="COMPLETE")
        self.assertEqual({"result_format": "COMPLETE"}, great_expectations.CONTEXTS[0].checkpoints.items[0].result_format)


if __name__ == "__main__":
    unittest.main(verbosity=1)
