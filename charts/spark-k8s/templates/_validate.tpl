{{/* Fails early, with the values key named, on combinations the schema cannot express. */}}
{{- define "spark-k8s.validate" -}}
{{- if and .Values.connect.enabled (eq .Values.connect.backend "operator") }}
{{- fail (printf "connect.backend: %q is not implemented yet; use \"k8s\" or \"standalone\"" .Values.connect.backend) }}
{{- end }}
{{- if and .Values.connect.enabled (eq .Values.connect.backend "standalone") (not .Values.standalone.enabled) }}
{{- fail "standalone.enabled: connect.backend is \"standalone\", whose executors run on the release's standalone workers; set standalone.enabled: true (or connect.backend: k8s)" }}
{{- end }}
{{- if and .Values.standalone.enabled .Values.standalone.worker.autoscaling.enabled (lt (int .Values.standalone.worker.replicas) 1) }}
{{- fail "standalone.worker.replicas: the HorizontalPodAutoscaler's minReplicas must be at least 1; set standalone.worker.replicas >= 1 or standalone.worker.autoscaling.enabled: false" }}
{{- end }}
{{- if and .Values.standalone.enabled .Values.standalone.worker.autoscaling.enabled (lt (int .Values.standalone.worker.autoscaling.maxReplicas) (int .Values.standalone.worker.replicas)) }}
{{- fail "standalone.worker.autoscaling.maxReplicas: must be at least standalone.worker.replicas" }}
{{- end }}
{{- if and (not .Values.minio.enabled) (not .Values.s3.endpoint) }}
{{- fail "s3.endpoint: set it to your S3 endpoint URL when minio.enabled is false" }}
{{- end }}
{{- /* S3 credentials: each purpose resolves its Secret (templates/credentials/_credentials.tpl) and fails with the
values key to set when it has none. */}}
{{- if and .Values.minio.enabled (has (toString .Values.s3.workloadIdentity.provider) (list "aws-irsa" "aws-pod-identity")) }}
{{- fail (printf "s3.workloadIdentity.provider: %q is for external S3 (AWS); the in-chart MinIO takes static keys: set minio.enabled=false and s3.endpoint, or leave the provider empty" .Values.s3.workloadIdentity.provider) }}
{{- end }}
{{- if and .Values.metastore.enabled (not .Values.postgresql.enabled) (not .Values.metastore.externalDatabase.host) }}
{{- fail "metastore.externalDatabase.host: set it (and metastore.externalDatabase.existingSecret) when postgresql.enabled is false" }}
{{- end }}
{{- if and .Values.metastore.enabled (not .Values.postgresql.enabled) (not .Values.metastore.externalDatabase.existingSecret) }}
{{- fail "metastore.externalDatabase.existingSecret: name a Secret with the database password when postgresql.enabled is false" }}
{{- end }}
{{- if and .Values.postgresql.enabled (eq (toString .Values.postgresql.auth.username) (toString .Values.postgresql.auth.adminUsername)) }}
{{- fail "postgresql.auth.adminUsername: must differ from postgresql.auth.username, which the metastore and backups use and which is not a superuser" }}
{{- end }}
{{- if .Values.postgresql.enabled }}
{{- $a := .Values.postgresql.auth }}
{{- range $purpose := list "backup" "restore" }}
{{- $name := toString (index $a $purpose).username }}
{{- if has $name (list (toString $a.username) (toString $a.adminUsername)) }}
{{- fail (printf "postgresql.auth.%s.username: %q is already the metastore role or the superuser; give the %s role its own name" $purpose $name $purpose) }}
{{- end }}
{{- end }}
{{- if eq (toString $a.backup.username) (toString $a.restore.username) }}
{{- fail "postgresql.auth.restore.username: must differ from postgresql.auth.backup.username (the restore role acts as the metastore role, the backup role only reads)" }}
{{- end }}
{{- end }}
{{- include "spark-k8s.mlflow.validate" . }}
{{- if and .Values.jupyter.enabled (not .Values.connect.enabled) }}
{{- fail "jupyter.enabled: Jupyter talks to the Spark Connect server; enable connect.enabled too" }}
{{- end }}
{{- end }}
