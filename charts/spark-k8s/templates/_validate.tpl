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
{{- if and (not .Values.minio.enabled) (not .Values.s3.credentials.existingSecret) }}
{{- fail "s3.credentials.existingSecret: name a Secret with the S3 credentials when minio.enabled is false" }}
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
{{- if and .Values.jupyter.enabled (not .Values.connect.enabled) }}
{{- fail "jupyter.enabled: Jupyter talks to the Spark Connect server; enable connect.enabled too" }}
{{- end }}
{{- end }}
