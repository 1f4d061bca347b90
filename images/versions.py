#!/usr/bin/env python3
"""Reads the version table (charts/spark-k8s/values.yaml) for images/build.sh: image tags, jar coordinates with their
SHA-256 and Python package pins, turned into docker build arguments. Only the Python standard library: it parses the
plain YAML subset values.yaml is written in (block maps and lists, flow maps and lists, plain and quoted scalars, no
anchors or block scalars) and refuses anything else, so a construct it does not know can never be misread.

  versions.py lines [IMAGE]               the Spark lines of the table (spark.releases keys); with spark-gpu only the
                                          lines with a RAPIDS jar (componentJars.rapids)
  versions.py build-args IMAGE [LINE]     KEY=VALUE per line: every build argument of images/IMAGE/Dockerfile
  versions.py tag IMAGE [LINE]            the tag images/build.sh gives IMAGE (what the chart renders for it; airflow:
                                          <Airflow release of airflow.baseImage.tag>-spark<sparkVersion>; spark-gpu: <imageTag>-rapids<version>)
  versions.py json                        the whole parsed values file as JSON (the repository tests compare it)

Exit 1 with a message on stderr when a pin is missing (for example an extraJars sha256 that is null).
"""
import json
import os
import re
import sys
from pathlib import Path

VALUES = Path(__file__).resolve().parent.parent / "charts" / "spark-k8s" / "values.yaml"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


class TableError(Exception):
    pass


def _strip_comment(text):
    quote = None
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t"):
            return text[:i].rstrip()
    return text.rstrip()


def _scalar(text, where):
    text = text.strip()
    if text.startswith('"'):
        if not text.endswith('"') or len(text) < 2:
            raise TableError(f"{where}: unterminated string {text}")
        return json.loads(text)
    if text.startswith("'"):
        if not text.endswith("'") or len(text) < 2:
            raise TableError(f"{where}: unterminated string {text}")
        return text[1:-1].replace("''", "'")
    if text in ("null", "~", ""):
        return None
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"[-+]?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", text):
        return float(text)
    if text[0] in "&*!|>%@`":
        raise TableError(f"{where}: unsupported YAML construct {text}")
    return text


def _split_flow(body, where):
    parts, depth, quote, start = [], 0, None, 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if depth != 0 or quote:
        raise TableError(f"{where}: unbalanced flow collection")
    last = body[start:]
    if last.strip():
        parts.append(last)
    return [p.strip() for p in parts]


def _value(text, where):
    text = text.strip()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise TableError(f"{where}: unterminated flow map")
        result = {}
        for part in _split_flow(text[1:-1], where):
            key, sep, rest = part.partition(": ")
            if not sep:
                key, sep, rest = part.partition(":")
            result[_scalar(key, where)] = _value(rest, where)
        return result
    if text.startswith("["):
        if not text.endswith("]"):
            raise TableError(f"{where}: unterminated flow list")
        return [_value(p, where) for p in _split_flow(text[1:-1], where)]
    return _scalar(text, where)


def _key_and_rest(content, where):
    match = re.match(r'^("(?:[^"\\]|\\.)*"|\'[^\']*\'|[^\s:#][^:#]*?):(?:\s+(.*))?$', content)
    if not match:
        raise TableError(f"{where}: expected 'key: value', got {content}")
    return _scalar(match.group(1), where), (match.group(2) or "")


def parse(text):
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise TableError(f"line {number}: tab indentation")
        content = _strip_comment(raw)
        if content.strip():
            lines.append((number, len(content) - len(content.lstrip()), content.strip()))

    def block(index, indent):
        number, _, content = lines[index]
        if content.startswith("- ") or content == "-":
            items = []
            while index < len(lines) and lines[index][1] == indent and lines[index][2].startswith("-"):
                number, _, content = lines[index]
                rest = content[1:].strip()
                if not rest:
                    value, index = block(index + 1, lines[index + 1][1])
                    items.append(value)
                    continue
                if re.match(r'^[^{\["\'][^:]*:(\s|$)', rest):
                    raise TableError(f"line {number}: block maps inside lists are not supported; use a flow map")
                items.append(_value(rest, f"line {number}"))
                index += 1
            return items, index
        result = {}
        while index < len(lines) and lines[index][1] == indent:
            number, _, content = lines[index]
            if content.startswith("-"):
                raise TableError(f"line {number}: list item where a key was expected")
            key, rest = _key_and_rest(content, f"line {number}")
            index += 1
            if rest:
                result[key] = _value(rest, f"line {number}")
            elif index < len(lines) and lines[index][1] > indent:
                result[key], index = block(index, lines[index][1])
            elif index < len(lines) and lines[index][1] == indent and lines[index][2].startswith("-"):
                result[key], index = block(index, indent)
            else:
                result[key] = None
        if index < len(lines) and lines[index][1] > indent:
            raise TableError(f"line {lines[index][0]}: unexpected indentation")
        return result, index

    if not lines:
        return {}
    value, index = block(0, lines[0][1])
    if index != len(lines):
        raise TableError(f"line {lines[index][0]}: unexpected content")
    return value


def maven_path(coordinate):
    parts = coordinate.split(":")
    if len(parts) != 3:
        raise TableError(f"jar coordinate {coordinate!r}: use group:artifact:version")
    group, artifact, version = parts
    return f"{group.replace('.', '/')}/{artifact}/{version}/{artifact}-{version}.jar"


def jar_list(jars, where):
    entries = []
    for jar in jars:
        sha = jar.get("sha256")
        if not isinstance(sha, str) or not SHA256.match(sha):
            raise TableError(
                f"{where}: {jar.get('coordinate')} has no SHA-256 pin (sha256: {'null' if sha is None else sha}). Record one with "
                f"images/pin.sh {jar.get('coordinate')} and put it into charts/spark-k8s/values.yaml")
        entries.append(f"{maven_path(jar['coordinate'])}@{sha}")
    return " ".join(entries)


def otel_agent(values):
    """The OpenTelemetry Java agent (tracing.agent.jar) as path@sha256, kept apart from JARS: it must stay off the class path."""
    return jar_list([values["tracing"]["agent"]["jar"]], "tracing.agent.jar")


def release(values, line):
    releases = values["spark"]["releases"]
    if line not in releases:
        raise TableError(f"Spark line {line!r} is not in spark.releases (lines: {', '.join(releases)})")
    return releases[line]


def rapids_jar(values, line):
    """The line's RAPIDS Accelerator jar ({coordinate, sha256}); a line without one cannot have a spark-gpu image."""
    rel = release(values, line)
    jars = (rel.get("componentJars") or {}).get("rapids") or []
    if not jars:
        supported = ", ".join(gpu_lines(values)) or "none"
        raise TableError(f"spark-gpu: spark.releases.{line}.componentJars.rapids is empty: the RAPIDS Accelerator does not "
                         f"support Spark {rel['sparkVersion']} (lines with RAPIDS: {supported}); see docs/en/gpu.md")
    return jars[0]


def gpu_lines(values):
    return [line for line, rel in values["spark"]["releases"].items() if (rel.get("componentJars") or {}).get("rapids")]


def build_args(values, image, line):
    repository = values["jars"]["repository"].rstrip("/")
    if image == "spark-gpu":
        jar = rapids_jar(values, line)
        # FROM the project's images/spark of the line, under the registry images/build.sh pushes to (SPARK_K8S_REGISTRY;
        # the chart's default repositories use spark-k8s).
        registry = os.environ.get("SPARK_K8S_REGISTRY", "spark-k8s").rstrip("/")
        return {
            "SPARK_IMAGE": f"{registry}/spark:{tag(values, 'spark', line)}",
            "MAVEN_REPOSITORY": repository,
            "RAPIDS_JAR": jar_list([jar], f"spark.releases.{line}.componentJars.rapids"),
        }
    if image == "spark":
        rel = release(values, line)
        return {
            "SPARK_IMAGE": f"{values['connect']['image']['repository']}:{rel['imageTag']}",
            "MAVEN_REPOSITORY": repository,
            # The line's extraJars and the optional components' jars images/spark bakes (Iceberg, Celeborn; RAPIDS
            # goes into images/spark-gpu only).
            "JARS": " ".join(filter(None, [jar_list(rel["extraJars"], f"spark.releases.{line}.extraJars")] + [
                jar_list((rel.get("componentJars") or {}).get(name) or [], f"spark.releases.{line}.componentJars.{name}")
                for name in ("iceberg", "celeborn")])),
            "SPARK_LINE": line,
            "OTEL_AGENT": otel_agent(values),
            "OTEL_AGENT_PATH": values["tracing"]["agent"]["path"],
        }
    if image == "metastore":
        ms = values["metastore"]
        default = release(values, values["spark"]["version"])
        return {
            "HIVE_IMAGE": f"{ms['image']['repository']}:{ms['image']['tag']}",
            "DOWNLOAD_IMAGE": f"{values['connect']['image']['repository']}:{default['imageTag']}",
            "MAVEN_REPOSITORY": repository,
            # The JDBC driver and the Prometheus JMX exporter javaagent (monitoring.jmxExporter.jar), both into /opt/hive/lib.
            "JARS": jar_list([ms["jdbcDriver"]], "metastore.jdbcDriver")
            + " " + jar_list([values["monitoring"]["jmxExporter"]["jar"]], "monitoring.jmxExporter.jar"),
            "OTEL_AGENT": otel_agent(values),
            "OTEL_AGENT_PATH": values["tracing"]["agent"]["path"],
        }
    if image == "jupyter":
        release(values, line)
        j = values["jupyter"]["image"]
        return {"JUPYTER_IMAGE": f"{j['repository']}:{j['tag']}", "SPARK_LINE": line}
    if image == "airflow":
        release(values, line)
        return {"AIRFLOW_IMAGE": airflow_base(values), "SPARK_LINE": line}
    if image == "tools":
        return {}
    if image == "data-quality":
        # The runner builds on the Jupyter base image (Python 3.10, uid 1000) with the line's Connect client.
        release(values, line)
        j = values["jupyter"]["image"]
        return {"JUPYTER_IMAGE": f"{j['repository']}:{j['tag']}", "SPARK_LINE": line}
    raise TableError(f"unknown image {image!r} (spark, spark-gpu, metastore, jupyter, airflow, tools, data-quality)")


AIRFLOW_BASE_TAG = re.compile(r"^(?P<airflow>[0-9]+\.[0-9]+\.[0-9]+)-python(?P<python>3\.[0-9]+)$")


def airflow_image(values):
    """airflow.baseImage: the official apache/airflow release image images/airflow builds FROM."""
    airflow = values.get("airflow")
    image = airflow.get("baseImage") if isinstance(airflow, dict) else None
    if not isinstance(image, dict) or not image.get("repository") or not image.get("tag"):
        raise TableError("airflow.baseImage (repository, tag) is not in charts/spark-k8s/values.yaml: it comes with the chart's "
                         "Airflow component; images/airflow builds FROM that image")
    if not AIRFLOW_BASE_TAG.match(str(image["tag"])):
        raise TableError(f"airflow.baseImage.tag {image['tag']!r}: use <Airflow release>-python<minor>, e.g. 3.3.0-python3.10 "
                         "(the Python minor of the Spark images' executors, spark.releases.<line>.pythonVersion)")
    return image


def airflow_version(values):
    """The chart's one Airflow version: the release part of airflow.baseImage.tag."""
    return AIRFLOW_BASE_TAG.match(str(airflow_image(values)["tag"])).group("airflow")


def airflow_base(values):
    """repository:tag of airflow.baseImage, pinned to its digest when airflow.baseImage.digest is set (sha256:<64 hex>)."""
    image = airflow_image(values)
    digest = image.get("digest") or ""
    if digest and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise TableError(f"airflow.baseImage.digest {digest!r}: use sha256:<64 hex> or leave it empty")
    return f"{image['repository']}:{image['tag']}" + (f"@{digest}" if digest else "")


def tag(values, image, line):
    if image == "spark":
        return release(values, line)["imageTag"]
    if image == "jupyter":
        return release(values, line)["sparkVersion"]
    if image == "metastore":
        return str(values["metastore"]["image"]["tag"])
    if image == "airflow":
        # One image per Airflow release and Spark line: <Airflow release>-spark<sparkVersion> (the chart's empty
        # airflow.image.tag resolves to the same, templates/airflow/_airflow.tpl spark-k8s.airflow.image).
        return f"{airflow_version(values)}-spark{release(values, line)['sparkVersion']}"
    if image == "tools":
        chart = (VALUES.parent / "Chart.yaml").read_text(encoding="utf-8")
        return str(parse(chart)["version"])
    if image == "spark-gpu":
        # What the chart renders for gpu.image with an empty tag (templates/gpu/_gpu.tpl).
        version = rapids_jar(values, line)["coordinate"].split(":")[2]
        return f"{release(values, line)['imageTag']}-rapids{version}"
    if image == "data-quality":
        # dataQuality.image.tag is empty by default and follows the Spark release (templates/data-quality).
        return release(values, line)["sparkVersion"]
    raise TableError(f"unknown image {image!r} (spark, spark-gpu, metastore, jupyter, airflow, tools, data-quality)")


def main(argv):
    values = parse(VALUES.read_text(encoding="utf-8"))
    if argv == ["lines", "spark-gpu"]:
        print("\n".join(gpu_lines(values)))
    elif argv == ["lines"]:
        print("\n".join(values["spark"]["releases"]))
    elif argv[:1] == ["json"]:
        print(json.dumps(values, indent=2, sort_keys=True))
    elif argv[:1] in (["build-args"], ["tag"]) and len(argv) in (2, 3):
        image = argv[1]
        line = argv[2] if len(argv) == 3 else values["spark"]["version"]
        if argv[0] == "tag":
            print(tag(values, image, line))
        else:
            for key, value in build_args(values, image, line).items():
                print(f"{key}={value}")
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except TableError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
