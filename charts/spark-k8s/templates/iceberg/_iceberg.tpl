{{/*
Apache Iceberg (iceberg.*, docs/en/iceberg.md). Upstream facts, from apache/iceberg at apache-iceberg-1.11.0:
- Spark runtimes: iceberg-spark-runtime-<sparkMinor>_<scala> for Spark 3.4, 3.5, 4.0 and 4.1 (gradle.properties
  systemProp.knownSparkVersions; settings.gradle builds the 4.x runtimes for Scala 2.13 only).
- Catalog properties (spark.sql.catalog.<name>.*): type hive|rest, uri, warehouse (CatalogProperties,
  CatalogUtil.ICEBERG_CATALOG_TYPE_*); SparkSessionCatalog wraps spark_catalog (SparkSessionCatalog in the spark modules).
- SQL extensions: org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions (CALL procedures, ALTER TABLE
  ... ADD PARTITION FIELD, WRITE ORDERED BY).
- REST auth (core/.../rest/auth): rest.auth.type none|basic|oauth2|sigv4|google (AuthProperties); oauth2 takes
  credential ("<client_id>:<client_secret>") or token, oauth2-server-uri, scope (OAuth2Properties).
  RESTSessionCatalog.initialize resolves every property whose value is "env:<NAME>" from the JVM's environment
  (EnvironmentUtil.resolveAll): the chart renders only "env:ICEBERG_REST_CREDENTIAL" (or _TOKEN) and the pods get the
  variable from the credential table's iceberg-rest Secret, so the secret is in no ConfigMap, argument or log.
- FileIO: HiveCatalog uses HadoopFileIO unless io-impl is set (HiveCatalog.initialize); the REST catalog gets io-impl
  HadoopFileIO here. HadoopFileIO reads s3a:// through the line's S3A connector and its credential providers (the same
  chain, path-style access and endpoint as the rest of the chart).
*/}}

{{/* Whether Iceberg is on ("true"/"false"). */}}
{{- define "spark-k8s.iceberg.on" -}}
{{- .Values.iceberg.enabled | toString }}
{{- end }}

{{/* The Iceberg runtime jars of the selected line (YAML list); fails when the line has none. */}}
{{- define "spark-k8s.iceberg.jars" -}}
{{- $release := include "spark-k8s.release" . | fromYaml }}
{{- $jars := dig "componentJars" "iceberg" list $release }}
{{- if not $jars }}
{{- $supported := list }}
{{- range $line, $r := .Values.spark.releases }}
{{- if dig "componentJars" "iceberg" list $r }}{{ $supported = append $supported $line }}{{ end }}
{{- end }}
{{- fail (printf "iceberg.enabled: Spark line %s has no Iceberg runtime (spark.releases.%s.componentJars.iceberg is empty); Iceberg is supported on the lines %s: set spark.version to one of them or turn iceberg.enabled off" .Values.spark.version .Values.spark.version (join ", " (sortAlpha $supported) | default "(none)")) }}
{{- end }}
{{- toYaml $jars }}
{{- end }}

{{/* The warehouse of the hive catalog: s3a://<warehouse bucket>/<warehousePrefix>. */}}
{{- define "spark-k8s.iceberg.warehouse" -}}
{{- printf "s3a://%s/%s" .Values.s3.buckets.warehouse (.Values.iceberg.warehousePrefix | trimAll "/") }}
{{- end }}

{{/* The env var the REST credential reaches Spark through, or "" when the REST catalog takes none. */}}
{{- define "spark-k8s.iceberg.restEnvName" -}}
{{- $i := .Values.iceberg }}
{{- if and $i.enabled (eq $i.catalogType "rest") }}
{{- if eq $i.rest.auth.type "oauth2" }}ICEBERG_REST_CREDENTIAL{{ else if eq $i.rest.auth.type "token" }}ICEBERG_REST_TOKEN{{ end }}
{{- end }}
{{- end }}

{{/* The REST credential as a secretKeyRef env var (for the Spark drivers: Connect server, job drivers, maintenance), or nothing. */}}
{{- define "spark-k8s.iceberg.env" -}}
{{- with include "spark-k8s.iceberg.restEnvName" . }}
{{- include "spark-k8s.credential.env" (dict "root" $ "id" "iceberg-rest" "name" . "key" $.Values.iceberg.rest.auth.key) }}
{{- end }}
{{- end }}

{{/* One Iceberg catalog's properties (YAML map) under spark.sql.catalog.<name>. Takes root, name, class. */}}
{{- define "spark-k8s.iceberg.catalogProperties" -}}
{{- $root := .root }}
{{- $i := $root.Values.iceberg }}
{{- $p := printf "spark.sql.catalog.%s" .name }}
{{ $p }}: {{ .class | quote }}
{{- if eq $i.catalogType "hive" }}
{{ $p }}.type: hive
{{ $p }}.uri: {{ include "spark-k8s.metastoreUri" $root | quote }}
{{ $p }}.warehouse: {{ include "spark-k8s.iceberg.warehouse" $root | quote }}
{{- else }}
{{ $p }}.type: rest
{{ $p }}.uri: {{ $i.rest.uri | quote }}
{{- /* A REST catalog defaults to ResolvingFileIO (RESTSessionCatalog DEFAULT_FILE_IO_IMPL), which maps s3a:// to
S3FileIO (ResolvingFileIO SCHEME_TO_FILE_IO); the runtime jar carries iceberg-aws and the 4.1 line's S3A puts AWS SDK v2
on the class path, so it would load and miss the chart's endpoint, path-style access and credential providers. */}}
{{ $p }}.io-impl: org.apache.iceberg.hadoop.HadoopFileIO
{{- with $i.rest.warehouse }}
{{ $p }}.warehouse: {{ . | quote }}
{{- end }}
{{- $env := include "spark-k8s.iceberg.restEnvName" $root }}
{{- if eq $i.rest.auth.type "none" }}
{{ $p }}.rest.auth.type: none
{{- else }}
{{ $p }}.rest.auth.type: oauth2
{{- if eq $i.rest.auth.type "oauth2" }}
{{ $p }}.credential: {{ printf "env:%s" $env | quote }}
{{- with $i.rest.auth.oauth2ServerUri }}
{{ $p }}.oauth2-server-uri: {{ . | quote }}
{{- end }}
{{- with $i.rest.auth.scope }}
{{ $p }}.scope: {{ . | quote }}
{{- end }}
{{- else }}
{{ $p }}.token: {{ printf "env:%s" $env | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Fails on a combination Iceberg cannot work with. */}}
{{- define "spark-k8s.iceberg.validate" -}}
{{- $i := .Values.iceberg }}
{{- $_ := include "spark-k8s.iceberg.jars" . }}
{{- if and (eq $i.catalogType "hive") (not .Values.metastore.enabled) }}
{{- fail "iceberg.catalogType hive keeps Iceberg tables in the release's Hive Metastore: set metastore.enabled true, or use an Iceberg REST catalog (iceberg.catalogType rest with iceberg.rest.uri)" }}
{{- end }}
{{- if and (eq $i.catalogType "rest") (not $i.rest.uri) }}
{{- fail "iceberg.catalogType rest needs iceberg.rest.uri (the REST catalog's base URI, e.g. https://catalog.example.com/api/catalog)" }}
{{- end }}
{{- if and $i.maintenance.enabled (not $i.maintenance.tables) }}
{{- fail "iceberg.maintenance.enabled: list the tables to maintain in iceberg.maintenance.tables (<namespace>.<table>)" }}
{{- end }}
{{- end }}

{{/*
Spark properties iceberg adds to every Spark application of the release (YAML map; empty while iceberg.enabled is false).
Takes root and role ("connect": the Connect server; "job": a submitted job, a SparkApplication or the maintenance run).
Merged by spark-k8s.components.sparkConf (templates/_spark.tpl), which joins spark.sql.extensions with the user's.
*/}}
{{- define "spark-k8s.iceberg.sparkConf" -}}
{{- $root := .root }}
{{- if $root.Values.iceberg.enabled }}
{{- include "spark-k8s.iceberg.validate" $root }}
{{- $i := $root.Values.iceberg }}
spark.sql.extensions: org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions
{{ include "spark-k8s.iceberg.catalogProperties" (dict "root" $root "name" $i.catalogName "class" "org.apache.iceberg.spark.SparkCatalog") }}
{{- if $i.sessionCatalog }}
{{ include "spark-k8s.iceberg.catalogProperties" (dict "root" $root "name" "spark_catalog" "class" "org.apache.iceberg.spark.SparkSessionCatalog") }}
{{- end }}
{{- end }}
{{- end }}
