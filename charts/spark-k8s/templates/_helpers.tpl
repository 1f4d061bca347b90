{{/*
Names and labels: every object name starts with the release fullname, and every object carries the
app.kubernetes.io/* labels. Helpers that need a component take a dict: (dict "root" $ "component" "connect").
Where the other helpers live: _pod.tpl (images, security contexts, resources, probes, placement),
_objects.tpl (Services, PVCs, PDBs, generated Secrets), _spark.tpl (Spark line, spark-defaults, jars, event logs),
_validate.tpl (value combinations), and <component>/_<component>.tpl for one component's helpers.
*/}}

{{/*
A Kubernetes name of at most "max" characters that always ends with "suffix" (optional, e.g. "-r3").
A name that is too long is cut and gets "-" plus 6 hex digits of the SHA-256 of the full name, so
two long names that share their first characters still differ and the suffix is never dropped.
Takes name, suffix, max.
*/}}
{{- define "spark-k8s.truncName" -}}
{{- $suffix := .suffix | default "" }}
{{- $full := printf "%s%s" .name $suffix }}
{{- if le (len $full) (int .max) }}
{{- $full }}
{{- else }}
{{- $keep := sub (int .max) (add (len $suffix) 7) | int }}
{{- printf "%s-%s%s" (.name | trunc $keep | trimSuffix "-" | trimSuffix ".") (sha256sum $full | trunc 6) $suffix }}
{{- end }}
{{- end }}

{{/* Chart name. */}}
{{- define "spark-k8s.name" -}}
{{- include "spark-k8s.truncName" (dict "name" (default .Chart.Name .Values.nameOverride) "max" 63) }}
{{- end }}

{{/* Release fullname; every object name starts with it. */}}
{{- define "spark-k8s.fullname" -}}
{{- $full := .Values.fullnameOverride }}
{{- if not $full }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- $full = ternary .Release.Name (printf "%s-%s" .Release.Name $name) (contains $name .Release.Name) }}
{{- end }}
{{- include "spark-k8s.truncName" (dict "name" $full "max" 40) }}
{{- end }}

{{/* Name of a component's objects: <fullname>-<component>. */}}
{{- define "spark-k8s.componentName" -}}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s" (include "spark-k8s.fullname" .root) .component) "max" 63) }}
{{- end }}

{{- define "spark-k8s.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: name, instance, component. */}}
{{- define "spark-k8s.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spark-k8s.name" .root | quote }}
app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
app.kubernetes.io/component: {{ .component | quote }}
{{- end }}

{{/*
app.kubernetes.io/version of a component: the tag of the image it runs, read through the component table
(templates/_components.tpl), or the Spark release for Spark components and for objects of no image (the S3
Secret); the backup image falls back to the chart version. Cut to a valid label value (63 characters,
alphanumeric at both ends). Takes root, component.
*/}}
{{- define "spark-k8s.componentVersion" -}}
{{- $row := include "spark-k8s.component" . | fromYaml }}
{{- $version := (include "spark-k8s.release" .root | fromYaml).sparkVersion }}
{{- if and $row.image (not $row.spark) }}
{{- $image := .root.Values }}
{{- range splitList "." $row.image }}{{ $image = index $image . }}{{ end }}
{{- $version = $image.tag | default .root.Chart.Version }}
{{- end }}
{{- with $row.version }}{{ $version = . }}{{ end }}
{{- $cut := $version | toString | trunc 63 }}
{{- regexReplaceAll "^[^A-Za-z0-9]+" (regexReplaceAll "[^A-Za-z0-9]+$" $cut "") "" }}
{{- end }}

{{/*
Labels of pods that Spark creates (executors, from the executor pod template): no managed-by: Helm and no
helm.sh/chart, because Helm neither creates nor deletes them. Takes root, component.
*/}}
{{- define "spark-k8s.sparkPodLabels" -}}
{{ include "spark-k8s.selectorLabels" . }}
app.kubernetes.io/version: {{ include "spark-k8s.componentVersion" . | quote }}
app.kubernetes.io/part-of: spark-k8s
{{- end }}

{{/* All standard labels of a component's objects. */}}
{{- define "spark-k8s.labels" -}}
{{ include "spark-k8s.sparkPodLabels" . }}
app.kubernetes.io/managed-by: {{ .root.Release.Service | quote }}
helm.sh/chart: {{ include "spark-k8s.chart" .root | quote }}
{{- end }}

{{/* Name of a component's object with an optional suffix ("schema-r3"), at most 63 characters, suffix kept. */}}
{{- define "spark-k8s.objectName" -}}
{{- if .suffix }}
{{- include "spark-k8s.truncName" (dict "name" (printf "%s-%s" (include "spark-k8s.fullname" .root) .component) "suffix" (printf "-%s" .suffix) "max" 63) }}
{{- else }}
{{- include "spark-k8s.componentName" . }}
{{- end }}
{{- end }}

{{/* Standard metadata block: name, namespace, labels. Takes root, component, optional name suffix. */}}
{{- define "spark-k8s.metadata" -}}
name: {{ include "spark-k8s.objectName" . | quote }}
namespace: {{ .root.Release.Namespace | quote }}
labels:
  {{- include "spark-k8s.labels" . | trim | nindent 2 }}
{{- end }}
