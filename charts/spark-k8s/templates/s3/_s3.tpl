{{/*
S3 helpers: the endpoint (s3.endpoint or the in-chart MinIO) and the credentials Secret.
*/}}

{{/* The S3 endpoint: s3.endpoint, or the in-chart MinIO Service. */}}
{{- define "spark-k8s.s3Endpoint" -}}
{{- if .Values.s3.endpoint }}
{{- .Values.s3.endpoint }}
{{- else if .Values.minio.enabled }}
{{- printf "http://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" . "component" "minio")) .Release.Namespace (int .Values.minio.port) }}
{{- else }}
{{- fail "s3.endpoint: set it to your S3 endpoint URL when minio.enabled is false" }}
{{- end }}
{{- end }}

{{/* Name of the Secret holding S3 credentials. */}}
{{- define "spark-k8s.s3SecretName" -}}
{{- .Values.s3.credentials.existingSecret | default (include "spark-k8s.componentName" (dict "root" . "component" "s3")) }}
{{- end }}

{{/* Env vars with the S3 credentials from the Secret (read by the S3A env credential provider and mc/MinIO scripts). */}}
{{- define "spark-k8s.s3Env" -}}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.s3SecretName" . | quote }}
      key: {{ .Values.s3.credentials.accessKeyIdKey | quote }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.s3SecretName" . | quote }}
      key: {{ .Values.s3.credentials.secretAccessKeyKey | quote }}
- name: AWS_REGION
  value: {{ .Values.s3.region | quote }}
{{- end }}
