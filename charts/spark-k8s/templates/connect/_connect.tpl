{{/*
Spark Connect server names and URL.
*/}}

{{/* The Connect server's application name (spark-submit --name): one per release, shown by the History Server. */}}
{{- define "spark-k8s.connect.appName" -}}
{{- include "spark-k8s.componentName" (dict "root" . "component" "connect") }}
{{- end }}

{{/* Spark Connect URL clients use inside the cluster. */}}
{{- define "spark-k8s.connectUrl" -}}
{{- printf "sc://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "connect")) .Release.Namespace (int .Values.connect.ports.grpc) }}
{{- end }}
