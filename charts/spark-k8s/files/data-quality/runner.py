"""Great Expectations validation runner of the spark-k8s chart (docs/en/data-quality.md).

One run:

1. decides from the mode and the environment whether to validate at all (``DQ_MODE``, ``DQ_ENVIRONMENT``);
2. loads the expectation suites, one YAML file each, from ``DQ_SUITES_DIR`` (the suites ConfigMap or a git checkout);
3. opens a Spark Connect session to the release's Connect server (``SPARK_REMOTE``; on Spark 4.x it carries the
   Connect token, which is never printed) and reads each suite's table through Spark;
4. validates the DataFrame with Great Expectations 1.x (an ephemeral context, a Spark data source, a whole-DataFrame
   batch definition, the suite, a validation definition and a checkpoint);
5. writes each result as JSON to ``s3://<DQ_BUCKET>/<DQ_PREFIX>/<suite>/<run id>.json`` and, with ``DQ_DATA_DOCS``,
   updates the data docs site under ``s3://<DQ_BUCKET>/<DQ_PREFIX>/docs/``;
6. exits 1 when any expectation failed (so a Job or an Airflow task fails), 2 on bad input, 0 otherwise.

Great Expectations validates Spark Connect DataFrames (``pyspark.sql.connect.dataframe.DataFrame``) since 1.0.5
(great-expectations/great_expectations PR #10420), so the work runs on the Connect server and its executors.

Suite file (``<name>.yaml``)::

    name: yellow_trips           # the suite's name: lower case, digits, _ and -
    table: db.yellow_trips       # the table Spark reads (spark.table)
    description: optional text
    expectations:                # Great Expectations expectation configurations
      - type: expect_column_values_to_not_be_null
        kwargs: {column: fare_amount}
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

MODES = ("always", "skip", "production_only", "scheduled")
PRODUCTION = "prod"
RESULT_FORMATS = ("BOOLEAN_ONLY", "BASIC", "SUMMARY", "COMPLETE")
DOCS_SITE = "s3_site"

SUITE_NAME = re.compile(r"^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$")
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
EXPECTATION_TYPE = re.compile(r"^expect_[a-z0-9_]+$")
SUITE_KEYS = {"name", "table", "description", "expectations"}
EXPECTATION_KEYS = {"type", "kwargs", "meta"}


class UsageError(Exception):
    """Bad input (a suite file, a setting): exit 2 with a message that names the file or setting."""


@dataclass(frozen=True)
class Decision:
    run: bool
    reason: str


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    expectations: list = field(default_factory=list)
    description: str = ""
    file: str = ""


@dataclass(frozen=True)
class Settings:
    mode: str
    environment: str
    suites_dir: Path
    run: list
    bucket: str
    prefix: str
    data_docs: bool
    result_format: str
    run_id: str


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    table: str
    success: bool
    evaluated: int
    failed: int
    key: str


def decide(mode: str, environment: str) -> Decision:
    """Whether this run validates: always and scheduled do, skip does not, production_only only in prod."""
    if mode not in MODES:
        raise UsageError(f"DQ_MODE: unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == "skip":
        return Decision(False, "mode skip: validation is switched off")
    if mode == "production_only" and environment != PRODUCTION:
        shown = environment or "unset"
        return Decision(False, f"mode production_only: environment is {shown}, not {PRODUCTION}")
    return Decision(True, f"mode {mode}")


def parse_suite(text: str, file_name: str) -> Suite:
    """One suite from its YAML text; every problem names the file and the field."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"{file_name}: not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{file_name}: a suite is a mapping with name, table and expectations")
    unknown = sorted(set(data) - SUITE_KEYS)
    if unknown:
        raise UsageError(f"{file_name}: unknown key(s) {', '.join(map(str, unknown))}; a suite has {', '.join(sorted(SUITE_KEYS))}")
    name = data.get("name")
    if not isinstance(name, str) or not SUITE_NAME.match(name):
        raise UsageError(f"{file_name}: name must be lower-case letters, digits, _ and - (at most 63), got {name!r}")
    table = data.get("table")
    if not isinstance(table, str) or not TABLE_NAME.match(table):
        raise UsageError(f"{file_name}: table must be a table name such as db.table, got {table!r}")
    expectations = data.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        raise UsageError(f"{file_name}: expectations must be a non-empty list")
    for index, expectation in enumerate(expectations):
        where = f"{file_name}: expectations[{index}]"
        if not isinstance(expectation, dict):
            raise UsageError(f"{where}: an expectation is a mapping with type and kwargs")
        extra = sorted(set(expectation) - EXPECTATION_KEYS)
        if extra:
            raise UsageError(f"{where}: unknown key(s) {', '.join(map(str, extra))}; an expectation has type, kwargs and meta")
        kind = expectation.get("type")
        if not isinstance(kind, str) or not EXPECTATION_TYPE.match(kind):
            raise UsageError(f"{where}: type must be a Great Expectations expectation type (expect_...), got {kind!r}")
        if not isinstance(expectation.get("kwargs", {}), dict):
            raise UsageError(f"{where}: kwargs must be a mapping")
    description = data.get("description") or ""
    return Suite(name=name, table=table, expectations=expectations, description=str(description), file=file_name)


def load_suites(directory: Path, names: Sequence[str]) -> list:
    """The suites of a folder (*.yaml, *.yml), sorted by name; with names, only those, and each must exist."""
    if not directory.is_dir():
        raise UsageError(f"DQ_SUITES_DIR: {directory} is not a folder of suite files")
    suites = {}
    for path in sorted(list(directory.glob("*.yaml")) + list(directory.glob("*.yml"))):
        suite = parse_suite(path.read_text(encoding="utf-8"), path.name)
        if suite.name in suites:
            raise UsageError(f"{path.name}: suite {suite.name!r} is also defined in {suites[suite.name].file}")
        suites[suite.name] = suite
    if not suites:
        raise UsageError(f"DQ_SUITES_DIR: no suite files (*.yaml) in {directory}")
    if not names:
        return [suites[name] for name in sorted(suites)]
    missing = [name for name in names if name not in suites]
    if missing:
        raise UsageError(f"DQ_RUN: no suite named {', '.join(missing)} in {directory} (found: {', '.join(sorted(suites))})")
    return [suites[name] for name in names]


def sanitize_run_id(run_id: str) -> str:
    """A run id usable as an S3 key part: letters, digits, '.', '_' and '-' (an Airflow run id has ':' and '+')."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", run_id).strip("._")
    if not cleaned:
        raise UsageError(f"--run-id: {run_id!r} has no letters or digits")
    return cleaned[:200]


def default_run_id(now: dt.datetime, host: str) -> str:
    """UTC time of the run plus the pod name's last part, so two runs never share a key."""
    suffix = host.rsplit("-", 1)[-1] if host else "local"
    return sanitize_run_id(f"{now.astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{suffix}")


def result_key(prefix: str, suite: str, run_id: str) -> str:
    """The S3 key of a suite's result: <prefix>/<suite>/<run id>.json."""
    return f"{prefix.strip('/')}/{suite}/{run_id}.json"


def docs_prefix(prefix: str) -> str:
    """The S3 prefix of the data docs site: <prefix>/docs."""
    return f"{prefix.strip('/')}/docs"


def exit_code(outcomes: Sequence[SuiteOutcome]) -> int:
    """1 when any suite failed, else 0."""
    return EXIT_FAILED if any(not outcome.success for outcome in outcomes) else EXIT_OK


def flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no", ""):
        return False
    raise UsageError(f"{name}: use true or false, got {value!r}")


def parse_settings(argv: Sequence[str], env: Mapping[str, str], now: dt.datetime) -> Settings:
    parser = argparse.ArgumentParser(description="Validate tables with Great Expectations through Spark Connect.")
    parser.add_argument("--run-id", default=env.get("DQ_RUN_ID", ""), help="run id of the result keys (default: UTC time and pod)")
    parser.add_argument("--suite", action="append", default=[], help="run only this suite (repeatable; default: DQ_RUN or every suite)")
    args = parser.parse_args(list(argv))
    result_format = env.get("DQ_RESULT_FORMAT", "SUMMARY")
    if result_format not in RESULT_FORMATS:
        raise UsageError(f"DQ_RESULT_FORMAT: use one of {', '.join(RESULT_FORMATS)}, got {result_format!r}")
    run = args.suite or [name.strip() for name in env.get("DQ_RUN", "").split(",") if name.strip()]
    run_id = sanitize_run_id(args.run_id) if args.run_id else default_run_id(now, env.get("HOSTNAME", ""))
    return Settings(
        mode=env.get("DQ_MODE", "always"),
        environment=env.get("DQ_ENVIRONMENT", ""),
        suites_dir=Path(env.get("DQ_SUITES_DIR", "/etc/data-quality/suites")),
        run=run,
        bucket=env.get("DQ_BUCKET", ""),
        prefix=env.get("DQ_PREFIX", "data-quality").strip("/") or "data-quality",
        data_docs=flag(env.get("DQ_DATA_DOCS", "true"), "DQ_DATA_DOCS"),
        result_format=result_format,
        run_id=run_id,
    )


def spark_session(env: Mapping[str, str]):
    """A Spark Connect session to SPARK_REMOTE (the URL holds the token on Spark 4.x: never print it)."""
    from pyspark.sql import SparkSession

    remote = env.get("SPARK_REMOTE", "")
    if not remote.startswith("sc://"):
        raise UsageError("SPARK_REMOTE: set it to the Connect server's sc:// URL (the chart does)")
    return SparkSession.builder.remote(remote).getOrCreate()


def s3_client(env: Mapping[str, str]):
    import boto3

    return boto3.client("s3", endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or None)


def gx_context(settings: Settings, env: Mapping[str, str]):
    """An ephemeral Great Expectations context (nothing on disk) with the S3 data docs site."""
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    if settings.data_docs:
        backend = {"class_name": "TupleS3StoreBackend", "bucket": settings.bucket, "prefix": docs_prefix(settings.prefix)}
        if env.get("AWS_ENDPOINT_URL_S3"):
            backend["boto3_options"] = {"endpoint_url": env["AWS_ENDPOINT_URL_S3"]}
        context.add_data_docs_site(
            site_name=DOCS_SITE,
            site_config={
                "class_name": "SiteBuilder",
                "store_backend": backend,
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            },
        )
    return context


def validate(context, spark, suite: Suite, settings: Settings) -> dict:
    """Validate one suite's table; returns the checkpoint result as a JSON-ready dict (success, statistics, results)."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction
    from great_expectations.core.run_identifier import RunIdentifier

    batch = (
        context.data_sources.add_spark(name=f"spark-{suite.name}")
        .add_dataframe_asset(name=suite.table)
        .add_batch_definition_whole_dataframe(name=f"{suite.name}-whole-table")
    )
    gx_suite = context.suites.add(
        gx.ExpectationSuite(name=suite.name, expectations=[dict(e) for e in suite.expectations], meta={"table": suite.table})
    )
    # Great Expectations logs and drops an expectation whose configuration it cannot build: refuse instead.
    if len(gx_suite.expectations) != len(suite.expectations):
        raise UsageError(
            f"{suite.file}: Great Expectations accepted {len(gx_suite.expectations)} of {len(suite.expectations)} "
            "expectations; check each type and its kwargs against the expectation gallery"
        )
    definition = context.validation_definitions.add(gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite))
    actions = [UpdateDataDocsAction(name="update_data_docs", site_names=[DOCS_SITE])] if settings.data_docs else []
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite.name,
            validation_definitions=[definition],
            actions=actions,
            result_format={"result_format": settings.result_format},
        )
    )
    frame = spark.table(suite.table)
    result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=RunIdentifier(run_name=settings.run_id))
    return result.describe_dict()


def summarize(suite: Suite, described: Mapping[str, Any], key: str) -> SuiteOutcome:
    """Counts of one suite's result (describe_dict of a CheckpointResult)."""
    evaluated = failed = 0
    for validation in described.get("validation_results", []):
        for expectation in validation.get("expectations", []):
            evaluated += 1
            failed += 0 if expectation.get("success") else 1
    return SuiteOutcome(suite.name, suite.table, bool(described.get("success")), evaluated, failed, key)


def result_document(suite: Suite, settings: Settings, described: Mapping[str, Any], finished: dt.datetime) -> dict:
    return {
        "suite": suite.name,
        "table": suite.table,
        "runId": settings.run_id,
        "finishedAt": finished.astimezone(dt.timezone.utc).isoformat(),
        "success": bool(described.get("success")),
        "result": described,
    }


def run(
    settings: Settings,
    env: Mapping[str, str],
    out: Callable[[str], None] = print,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
) -> int:
    decision = decide(settings.mode, settings.environment)
    if not decision.run:
        out(f"data quality: not validating ({decision.reason})")
        return EXIT_OK
    if not settings.bucket:
        raise UsageError("DQ_BUCKET: set the results bucket (the chart sets dataQuality.results.bucket or s3.buckets.warehouse)")
    suites = load_suites(settings.suites_dir, settings.run)
    out(f"data quality: {decision.reason}, run {settings.run_id}, {len(suites)} suite(s)")
    spark = spark_session(env)
    s3 = s3_client(env)
    outcomes = []
    try:
        context = gx_context(settings, env)
        for suite in suites:
            described = validate(context, spark, suite, settings)
            key = result_key(settings.prefix, suite.name, settings.run_id)
            document = result_document(suite, settings, described, now())
            s3.put_object(
                Bucket=settings.bucket,
                Key=key,
                Body=json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8"),
                ContentType="application/json",
            )
            outcome = summarize(suite, described, key)
            outcomes.append(outcome)
            verdict = "passed" if outcome.success else "FAILED"
            out(f"  {suite.name} ({suite.table}): {verdict}, {outcome.failed} of {outcome.evaluated} expectation(s) failed -> s3://{settings.bucket}/{key}")
    finally:
        spark.stop()
    if settings.data_docs:
        out(f"data docs: s3://{settings.bucket}/{docs_prefix(settings.prefix)}/index.html")
    code = exit_code(outcomes)
    out("data quality: every suite passed" if code == EXIT_OK else "data quality: validation failed")
    return code


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    env = os.environ if env is None else env
    # Great Expectations sends usage statistics unless told not to.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        settings = parse_settings(sys.argv[1:] if argv is None else argv, env, dt.datetime.now(dt.timezone.utc))
        return run(settings, env)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
