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

{{/*
"true" when the Connect server requires a token: Spark 4.x only (spark.connect.authenticate.token came with Spark 4.0,
sql/connect/server/.../config/Connect.scala in apache/spark); Spark 3.5 has no client authentication.
*/}}
{{- define "spark-k8s.connect.authEnabled" -}}
{{- $major := regexFind "^[0-9]+" (toString .Values.spark.version) | int }}
{{- and .Values.connect.enabled .Values.connect.auth.enabled (ge $major 4) }}
{{- end }}

{{/* Name of the Secret holding the Connect token: connect.auth.existingSecret, or the generated <fullname>-connect-auth. */}}
{{- define "spark-k8s.connect.authSecretName" -}}
{{- .Values.connect.auth.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "connect-auth")) }}
{{- end }}

{{/* Name of the Secret holding the driver/executor RPC secret: connect.rpcAuth.existingSecret, or the generated <fullname>-spark-auth. */}}
{{- define "spark-k8s.sparkAuthSecretName" -}}
{{- .Values.connect.rpcAuth.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "spark-auth")) }}
{{- end }}

{{/* Where the driver and the executors mount the RPC secret (spark.authenticate.secret.file). */}}
{{- define "spark-k8s.sparkAuthMountPath" -}}
/opt/spark/secrets/rpc
{{- end }}
