{{/*
Monitoring helpers (monitoring.enabled): the Prometheus Operator objects read the component table's `metrics` field
(templates/_components.tpl); docs/en/observability.md lists what each endpoint exports.
*/}}

{{/* Metadata of a monitoring object: the component's metadata plus monitoring.serviceMonitor.labels. Takes root, component, optional suffix. */}}
{{- define "spark-k8s.monitoring.metadata" -}}
{{- $meta := include "spark-k8s.metadata" . | fromYaml }}
{{- $_ := set $meta "labels" (merge (dict) $meta.labels .root.Values.monitoring.serviceMonitor.labels) }}
{{- toYaml $meta }}
{{- end }}

{{/* Scrape endpoints (YAML list) of a row's metrics field: one per path on the same port (podPort names it on pods
another program creates). Takes root, metrics. */}}
{{- define "spark-k8s.monitoring.endpoints" -}}
{{- $sm := .root.Values.monitoring.serviceMonitor }}
{{- $endpoints := list }}
{{- $port := .metrics.podPort | default .metrics.port }}
{{- range prepend (.metrics.extraPaths | default list) .metrics.path }}
{{- $endpoints = append $endpoints (dict "port" $port "path" . "scheme" ($.metrics.scheme | default "http") "interval" $sm.interval "scrapeTimeout" $sm.scrapeTimeout) }}
{{- end }}
{{- toYaml $endpoints }}
{{- end }}

{{/* spark.metrics.* properties (YAML map) of a Spark process of this release, empty without monitoring.enabled. */}}
{{- define "spark-k8s.monitoring.sparkConf" -}}
{{- if .Values.monitoring.enabled }}
{{- /* apache/spark core/.../metrics/MetricsConfig.scala reads spark.metrics.conf.<instance>.<key> like metrics.properties;
MetricsSystem.registerSinks serves the sink named "prometheusServlet" (PrometheusServlet.scala) on the UI at its path;
MetricsSystem.buildRegistryName puts spark.metrics.namespace in place of the application id in driver and executor
series. The master and applications paths are the ones MetricsConfig's defaults give their JSON servlets. */}}
spark.metrics.namespace: {{ .Values.monitoring.spark.namespace | quote }}
spark.metrics.conf.*.sink.prometheusServlet.class: org.apache.spark.metrics.sink.PrometheusServlet
spark.metrics.conf.*.sink.prometheusServlet.path: /metrics/prometheus
spark.metrics.conf.master.sink.prometheusServlet.path: /metrics/master/prometheus
spark.metrics.conf.applications.sink.prometheusServlet.path: /metrics/applications/prometheus
{{- /* JvmSource (heap, GC) is registered only when configured (docs/monitoring.md "jvm" namespace). */}}
spark.metrics.conf.*.source.jvm.class: org.apache.spark.metrics.source.JvmSource
{{- /* AppStatusSource: application-wide task, stage and job counters (core/.../status/AppStatusSource.scala), off by default. */}}
spark.metrics.appStatusSource.enabled: "true"
spark.metrics.executorMetricsSource.enabled: "true"
{{- /* /metrics/executors/prometheus (core/.../status/api/v1/PrometheusResource.scala): default false on 3.5, true
on 4.x (core/.../internal/config/UI.scala UI_PROMETHEUS_ENABLED); set on both lines. */}}
spark.ui.prometheus.enabled: "true"
{{- end }}
{{- end }}

{{/* Labels of one alert: severity and monitoring.rules.additionalLabels. Takes severity, common. */}}
{{- define "spark-k8s.monitoring.alertLabels" -}}
{{- toYaml (merge (dict "severity" .severity) .common) }}
{{- end }}

{{/*
A volume filling alert (YAML list of one rule) from the kubelet's volume stats: used above monitoring.rules.diskUsedRatio,
or (linear fit over 6h) full within diskFullHours. Takes alert, what, pvc (regex), optional exclude (regex), ns, r,
horizon (seconds), runbook, severity, common.
*/}}
{{- define "spark-k8s.monitoring.diskAlert" -}}
{{- $sel := printf "namespace=%q, persistentvolumeclaim=~%q" .ns .pvc }}
{{- if .exclude }}{{ $sel = printf "%s, persistentvolumeclaim!~%q" $sel .exclude }}{{ end }}
- alert: {{ .alert }}
  expr: kubelet_volume_stats_used_bytes{ {{- $sel -}} } / kubelet_volume_stats_capacity_bytes{ {{- $sel -}} } > {{ .r.diskUsedRatio }} or predict_linear(kubelet_volume_stats_available_bytes{ {{- $sel -}} }[6h], {{ .horizon }}) < 0
  for: 15m
  labels:
    {{- include "spark-k8s.monitoring.alertLabels" (dict "severity" .severity "common" .common) | nindent 4 }}
  annotations:
    summary: {{ printf "%s%s filling" (substr 0 1 .what | upper) (substr 1 -1 .what) | quote }}
    description: {{ printf "PVC {{ $labels.persistentvolumeclaim }} (%s) is more than %v%% used or will be full within %vh." .what (mulf .r.diskUsedRatio 100) .r.diskFullHours | quote }}
    runbook_url: {{ .runbook }}
{{- end }}

{{/*
Multiwindow, multi-burn-rate alerts of one SLO (Google SRE workbook, "Alerting on SLOs", table 6): page when 2% of a
30-day budget burns in 1h (14.4x, checked over 1h and 5m) or 5% in 6h (6x, 6h and 30m); ticket when 10% burns in 3d
(1x, 3d and 6h) or 1d (3x, 1d and 2h). The error ratios are the recording rules <series><window>. Takes alert, what,
series, selector, objective, runbook, common.
*/}}
{{- define "spark-k8s.monitoring.burnAlerts" -}}
{{- $budget := subf 1 .objective }}
{{- range $w := list (list "critical" 14.4 "1h" "5m") (list "critical" 6.0 "6h" "30m") (list "warning" 3.0 "1d" "2h") (list "warning" 1.0 "3d" "6h") }}
{{- $severity := index $w 0 }}{{ $factor := index $w 1 }}{{ $long := index $w 2 }}{{ $short := index $w 3 }}
{{- $threshold := mulf $factor $budget }}
- alert: {{ $.alert }}
  expr: {{ printf "%s%s{%s} > %g and %s%s{%s} > %g" $.series $long $.selector $threshold $.series $short $.selector $threshold }}
  {{- if eq $severity "critical" }}
  for: 2m
  {{- else }}
  for: 1h
  {{- end }}
  labels:
    {{- include "spark-k8s.monitoring.alertLabels" (dict "severity" $severity "common" $.common) | nindent 4 }}
    window: {{ $long | quote }}
  annotations:
    summary: {{ printf "%s error budget burning %gx" $.what $factor | quote }}
    description: {{ printf "Over %s and %s the %s SLO (%g) is burning its 30-day error budget %g times faster than allowed." $long $short $.what (float64 $.objective) $factor | quote }}
    runbook_url: {{ $.runbook }}
{{- end }}
{{- end }}
