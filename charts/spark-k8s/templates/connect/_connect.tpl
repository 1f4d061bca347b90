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

{{/* Name of the Secret holding the Connect token: the connect-auth row of the credential table (templates/credentials). */}}
{{- define "spark-k8s.connect.authSecretName" -}}
{{- include "spark-k8s.credential.secretName" (dict "root" . "id" "connect-auth") }}
{{- end }}

{{/* Name of the Secret holding the driver/executor RPC secret: the spark-auth row of the credential table. */}}
{{- define "spark-k8s.sparkAuthSecretName" -}}
{{- include "spark-k8s.credential.secretName" (dict "root" . "id" "spark-auth") }}
{{- end }}

{{/* Where the driver and the executors mount the RPC secret (spark.authenticate.secret.file). */}}
{{- define "spark-k8s.sparkAuthMountPath" -}}
/opt/spark/secrets/rpc
{{- end }}

{{/* Mount of the RPC secret in the server and executor containers (nothing when connect.rpcAuth.enabled is false). */}}
{{- define "spark-k8s.sparkAuthVolumeMount" -}}
{{- if eq (include "spark-k8s.connect.rpcAuthOn" .) "true" }}
- name: spark-auth
  mountPath: {{ include "spark-k8s.sparkAuthMountPath" . | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/* Volume of the RPC secret: only its key, readable by the pod's user and fsGroup only. */}}
{{- define "spark-k8s.sparkAuthVolume" -}}
{{- if eq (include "spark-k8s.connect.rpcAuthOn" .) "true" }}
- name: spark-auth
  secret:
    secretName: {{ include "spark-k8s.sparkAuthSecretName" . | quote }}
    defaultMode: 0440
    items:
      - key: {{ .Values.connect.rpcAuth.key | quote }}
        path: {{ .Values.connect.rpcAuth.key | quote }}
{{- end }}
{{- end }}

{{/*
SPARK_REMOTE of an in-cluster client, assembled by Kubernetes from the SPARK_CONNECT_TOKEN env var (a secretKeyRef)
when the server requires a token: sc://host:port/;authorization=Bearer%20$(SPARK_CONNECT_TOKEN).
Why not ";token=...": the Python client (python/pyspark/sql/connect/client/core.py in apache/spark, 4.x) turns a token
into a TLS channel (grpc.ssl_channel_credentials), and the server's gRPC port speaks plaintext. Any other URL parameter
becomes gRPC request metadata (ChannelBuilder.metadata), so "authorization" carries the bearer header that the server's
PreSharedKeyAuthenticationInterceptor checks, over the plaintext in-cluster channel.
*/}}
{{- define "spark-k8s.connect.clientEnv" -}}
{{- if eq (include "spark-k8s.connect.authEnabled" .) "true" }}
- name: SPARK_CONNECT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.connect.authSecretName" . | quote }}
      key: {{ .Values.connect.auth.key | quote }}
- name: SPARK_REMOTE
  value: {{ printf "%s/;authorization=Bearer%%20$(SPARK_CONNECT_TOKEN)" (include "spark-k8s.connectUrl" .) | quote }}
{{- else }}
- name: SPARK_REMOTE
  value: {{ include "spark-k8s.connectUrl" . | quote }}
{{- end }}
{{- end }}

{{/* "true" when connect.sparkConf asks for on-demand executor PVCs (...persistentVolumeClaim.<name>.options.claimName=OnDemand). */}}
{{- define "spark-k8s.connect.onDemandPvcs" -}}
{{- $found := false }}
{{- range $key, $value := .Values.connect.sparkConf }}
{{- if and (regexMatch "^spark[.]kubernetes[.]executor[.]volumes[.]persistentVolumeClaim[.][^.]+[.]options[.]claimName$" $key) (eq (toString $value) "OnDemand") }}{{ $found = true }}{{ end }}
{{- end }}
{{- $found }}
{{- end }}

{{/* The Spark master of the Connect driver: the Kubernetes API from inside the cluster. */}}
{{- define "spark-k8s.connect.master" -}}
{{- if eq .Values.connect.backend "standalone" }}{{ include "spark-k8s.standalone.masterUrl" . }}{{ else }}k8s://https://kubernetes.default.svc{{ end }}
{{- end }}

{{/*
"true" when driver <-> executor RPC authentication is on: connect.rpcAuth.enabled on the k8s backend. On standalone,
Spark reads spark.authenticate.secret.file only for Kubernetes masters (SecurityManager.secretKeyFromFile) and would
need the secret in every worker's own configuration, so the chart leaves it off there (docs/en/security/authentication.md).
*/}}
{{- define "spark-k8s.connect.rpcAuthOn" -}}
{{- and .Values.connect.enabled .Values.connect.rpcAuth.enabled (eq .Values.connect.backend "k8s") }}
{{- end }}
