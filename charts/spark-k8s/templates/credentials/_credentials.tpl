{{/*
The credential table: every credential of the chart, one row each. A row names its Secret
(<fullname>-<component>[-<suffix>]; the component is the label),
its keys (Secret key -> generated length), the values key that names an existing Secret instead, whether the chart
can generate it (generatable), what it falls back to when it cannot (fallback: another row's Secret, for external S3
without per-purpose Secrets), and which components consume it (documentation and tests). secrets.provider decides how
each enabled row's Secret comes to exist (templates/credentials/secrets.yaml); workloads only ever ask for a row's
Secret name and keys (spark-k8s.credential.secretName), so no workload template changes with the provider.
Adding a credential is one row here; docs/en/security/credentials.md has the same table for readers.
*/}}
{{- define "spark-k8s.credentials" -}}
{{- $v := .Values }}
{{- $ak := toString $v.s3.credentials.accessKeyIdKey }}
{{- $sk := toString $v.s3.credentials.secretAccessKeyKey }}
{{- $minio := $v.minio.enabled }}
{{- $staticS3 := eq (include "spark-k8s.s3.staticKeys" .) "true" }}
{{- $backups := or $v.backup.enabled $v.restore.enabled }}
{{- $pgRoles := and $v.postgresql.enabled $backups }}
{{- $sparkS3 := or $v.connect.enabled $v.metastore.enabled $v.airflow.enabled }}
{{- $sharedTarget := has (include "spark-k8s.secrets.provider" .) (list "generated" "existing") }}
s3:
  component: s3
  description: MinIO root user (in-chart MinIO); with external S3 the one shared key pair every purpose falls back to
  existingSecretKey: s3.credentials.existingSecret
  existingSecret: {{ $v.s3.credentials.existingSecret | toString | quote }}
  enabled: {{ or $minio (and $staticS3 $sharedTarget) }}
  generatable: {{ $minio }}
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: {{ ternary (list "minio" "minio-buckets") (list "(fallback of s3-spark, s3-history, s3-backup, s3-cost)") $minio | toJson }}
s3-spark:
  component: s3
  suffix: spark
  description: "Spark pods (Connect driver, executors) and the metastore: read-write on the events and warehouse buckets"
  existingSecretKey: s3.credentials.spark.existingSecret
  existingSecret: {{ $v.s3.credentials.spark.existingSecret | toString | quote }}
  enabled: {{ and $staticS3 $sparkS3 }}
  generatable: {{ $minio }}
  fallback: s3
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: ["connect", "executor", "metastore", "minio-buckets", "airflow-scheduler", "airflow-triggerer", "airflow-worker"]
s3-history:
  component: s3
  suffix: history
  description: "History Server: the events bucket only (read; delete and write only for its cleaner and compaction)"
  existingSecretKey: s3.credentials.historyServer.existingSecret
  existingSecret: {{ $v.s3.credentials.historyServer.existingSecret | toString | quote }}
  enabled: {{ and $staticS3 $v.historyServer.enabled }}
  generatable: {{ $minio }}
  fallback: s3
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: ["history-server", "minio-buckets"]
s3-backup:
  component: s3
  suffix: backup
  description: "Backup, verify and restore Jobs: read-write on the backups bucket only"
  existingSecretKey: s3.credentials.backup.existingSecret
  existingSecret: {{ $v.backup.target.existingSecret | default $v.s3.credentials.backup.existingSecret | toString | quote }}
  enabled: {{ and $staticS3 $backups }}
  generatable: {{ and $minio (not $v.backup.target.endpoint) }}
  fallback: s3
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: ["backup", "backup-verify", "restore", "minio-buckets"]
s3-cost:
  component: s3
  suffix: cost
  description: "Cost exporter: list and get on this release's event-log prefix of the events bucket only"
  existingSecretKey: s3.credentials.costExporter.existingSecret
  existingSecret: {{ $v.s3.credentials.costExporter.existingSecret | toString | quote }}
  enabled: {{ and $staticS3 $v.costExporter.enabled }}
  generatable: {{ $minio }}
  fallback: s3
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: ["cost-exporter", "minio-buckets"]
s3-mlflow:
  component: s3
  suffix: mlflow
  description: "MLflow tracking server (proxied artifact serving): read-write on the mlflow bucket only"
  existingSecretKey: s3.credentials.mlflow.existingSecret
  existingSecret: {{ $v.s3.credentials.mlflow.existingSecret | toString | quote }}
  enabled: {{ and $staticS3 $v.mlflow.enabled }}
  generatable: {{ $minio }}
  fallback: s3
  keys: {{ dict $ak 20 $sk 40 | toJson }}
  consumers: ["mlflow", "minio-buckets"]
postgresql:
  component: postgresql
  description: "PostgreSQL superuser (adminPasswordKey: PostgreSQL and the roles Job only) and the metastore role (passwordKey)"
  existingSecretKey: postgresql.auth.existingSecret
  existingSecret: {{ $v.postgresql.auth.existingSecret | toString | quote }}
  enabled: {{ $v.postgresql.enabled }}
  generatable: true
  keys: {{ dict (toString $v.postgresql.auth.passwordKey) 24 (toString $v.postgresql.auth.adminPasswordKey) 24 | toJson }}
  consumers: ["postgresql", "postgresql-roles", "metastore", "metastore-schema"]
postgresql-backup:
  component: postgresql
  suffix: backup
  description: "Backup role (pg_read_all_data, CREATEDB for the verify scratch database): backup and verify Jobs"
  existingSecretKey: postgresql.auth.backup.existingSecret
  existingSecret: {{ $v.postgresql.auth.backup.existingSecret | toString | quote }}
  enabled: {{ and $pgRoles $v.backup.enabled }}
  generatable: true
  keys: {{ dict (toString $v.postgresql.auth.backup.passwordKey) 24 | toJson }}
  consumers: ["postgresql-roles", "backup", "backup-verify"]
postgresql-restore:
  component: postgresql
  suffix: restore
  description: "Restore role (member of the metastore role, acts as it): the restore Job"
  existingSecretKey: postgresql.auth.restore.existingSecret
  existingSecret: {{ $v.postgresql.auth.restore.existingSecret | toString | quote }}
  enabled: {{ and $pgRoles $v.restore.enabled }}
  generatable: true
  keys: {{ dict (toString $v.postgresql.auth.restore.passwordKey) 24 | toJson }}
  consumers: ["postgresql-roles", "restore"]
postgresql-exporter:
  component: postgresql
  suffix: exporter
  description: "PostgreSQL exporter role (pg_monitor only): the exporter sidecar of the PostgreSQL pod (monitoring.enabled)"
  existingSecretKey: monitoring.postgresExporter.existingSecret
  existingSecret: {{ $v.monitoring.postgresExporter.existingSecret | toString | quote }}
  enabled: {{ and $v.postgresql.enabled $v.monitoring.enabled }}
  generatable: true
  keys: {{ dict (toString $v.monitoring.postgresExporter.passwordKey) 24 | toJson }}
  consumers: ["postgresql-roles", "postgresql"]
connect-auth:
  component: connect-auth
  description: "Spark Connect client token (Spark 4.x, connect.auth): the Connect server checks it, Jupyter sends it"
  existingSecretKey: connect.auth.existingSecret
  existingSecret: {{ $v.connect.auth.existingSecret | toString | quote }}
  enabled: {{ include "spark-k8s.connect.authEnabled" . | eq "true" }}
  generatable: true
  keys: {{ dict (toString $v.connect.auth.key) 48 | toJson }}
  consumers: ["connect", "jupyter"]
spark-auth:
  component: spark-auth
  description: "Driver <-> executor RPC secret (spark.authenticate, connect.rpcAuth), mounted as a file in both"
  existingSecretKey: connect.rpcAuth.existingSecret
  existingSecret: {{ $v.connect.rpcAuth.existingSecret | toString | quote }}
  enabled: {{ include "spark-k8s.connect.rpcAuthOn" . | eq "true" }}
  generatable: true
  keys: {{ dict (toString $v.connect.rpcAuth.key) 64 | toJson }}
  consumers: ["connect", "executor"]
postgresql-mlflow:
  component: postgresql
  suffix: mlflow
  description: "Owner role of the MLflow databases in the chart's PostgreSQL (mlflow.database): the roles Job and MLflow"
  existingSecretKey: mlflow.database.existingSecret
  existingSecret: {{ $v.mlflow.database.existingSecret | toString | quote }}
  enabled: {{ include "spark-k8s.mlflow.inChartDb" . | eq "true" }}
  generatable: true
  keys: {{ dict (toString $v.mlflow.database.passwordKey) 24 | toJson }}
  consumers: ["postgresql-roles", "mlflow"]
mlflow-auth:
  component: mlflow
  suffix: auth
  description: "MLflow basic auth (mlflow.auth): the admin password and the Flask secret key of the server"
  existingSecretKey: mlflow.auth.existingSecret
  existingSecret: {{ $v.mlflow.auth.existingSecret | toString | quote }}
  enabled: {{ and $v.mlflow.enabled $v.mlflow.auth.enabled }}
  generatable: true
  keys: {{ dict (toString $v.mlflow.auth.passwordKey) 24 (toString $v.mlflow.auth.secretKeyKey) 48 | toJson }}
  consumers: ["mlflow"]
postgresql-airflow:
  component: postgresql
  suffix: airflow
  description: "Owner role of Airflow's database in the chart's PostgreSQL (application-database table)"
  existingSecretKey: airflow.database.existingSecret
  existingSecret: {{ $v.airflow.database.existingSecret | toString | quote }}
  enabled: {{ include "spark-k8s.airflow.inChartDb" . | eq "true" }}
  generatable: true
  keys: {{ dict (toString $v.airflow.database.passwordKey) 24 | toJson }}
  consumers: ["postgresql-roles", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-migrate", "airflow-db"]
airflow:
  component: airflow
  description: "Airflow's keys: fernet-key ([core] fernet_key), api-secret-key ([api] secret_key), jwt-secret ([api_auth] jwt_secret)"
  existingSecretKey: airflow.secrets.existingSecret
  existingSecret: {{ $v.airflow.secrets.existingSecret | toString | quote }}
  enabled: {{ $v.airflow.enabled }}
  generatable: true
  keys: {{ dict "fernet-key" 43 "api-secret-key" 48 "jwt-secret" 64 | toJson }}
  formats: {"fernet-key": fernet}
  consumers: ["airflow-api-server", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer", "airflow-worker", "airflow-migrate", "airflow-db"]
airflow-admin:
  component: airflow
  suffix: admin
  description: "Airflow admin user (FAB auth manager): username and password that POST /auth/token accepts"
  existingSecretKey: airflow.admin.existingSecret
  existingSecret: {{ $v.airflow.admin.existingSecret | toString | quote }}
  enabled: {{ $v.airflow.enabled }}
  generatable: true
  keys: {{ dict "username" 5 "password" 24 | toJson }}
  formats: {"username": "value:admin"}
  consumers: ["airflow-db", "API clients"]
iceberg-rest:
  component: iceberg
  suffix: rest
  description: "Credential of the external Iceberg REST catalog (iceberg.rest.auth: OAuth2 client credentials or a bearer token), an env var of the Spark drivers"
  existingSecretKey: iceberg.rest.auth.existingSecret
  existingSecret: {{ $v.iceberg.rest.auth.existingSecret | toString | quote }}
  enabled: {{ and $v.iceberg.enabled (eq $v.iceberg.catalogType "rest") (ne $v.iceberg.rest.auth.type "none") }}
  generatable: false
  missing: {{ printf "iceberg.rest.auth.existingSecret: name the Secret holding the REST catalog's %s (key %s) for iceberg.rest.auth.type %s; the chart cannot generate the credential of an external catalog" (ternary "client credentials <client_id>:<client_secret>" "bearer token" (eq $v.iceberg.rest.auth.type "oauth2")) $v.iceberg.rest.auth.key $v.iceberg.rest.auth.type | quote }}
  keys: {{ dict (toString $v.iceberg.rest.auth.key) 48 | toJson }}
  consumers: ["connect", "iceberg-maintenance", "job drivers"]
jupyter:
  component: jupyter
  description: JupyterLab token
  existingSecretKey: jupyter.token.existingSecret
  existingSecret: {{ $v.jupyter.token.existingSecret | toString | quote }}
  enabled: {{ $v.jupyter.enabled }}
  generatable: true
  keys: {{ dict (toString $v.jupyter.token.key) 48 | toJson }}
  consumers: ["jupyter"]
{{- end }}

{{/*
The provider in effect: secrets.provider, where the older secrets.requireExisting=true (with the default provider
"generated") still means "existing".
*/}}
{{- define "spark-k8s.secrets.provider" -}}
{{- $p := .Values.secrets.provider | default "generated" }}
{{- if and (eq $p "generated") .Values.secrets.requireExisting }}existing{{ else }}{{ $p }}{{ end }}
{{- end }}

{{/*
How one row's Secret comes to exist (YAML map: mode, name, message). mode is one of:
- synced: external-secrets, sealed-secrets, vault: the provider's object makes the Secret, named by the values key
  when set (so an overlay can switch the provider and keep every Secret name), else <fullname>-<component>[-<suffix>];
- existing: the values key names a Secret (nothing rendered);
- fallback: the row cannot be generated and uses another row's Secret (external S3 sharing one key pair; weaker);
- generated: the chart renders a Secret (secrets.provider=generated);
- missing: no way to get it (message says which values key to set); spark-k8s.credential.secretName fails with it.
Takes root, id.
*/}}
{{- define "spark-k8s.credential.resolve" -}}
{{- $rows := include "spark-k8s.credentials" .root | fromYaml }}
{{- $row := index $rows .id }}
{{- $provider := include "spark-k8s.secrets.provider" .root }}
{{- $default := include "spark-k8s.objectName" (dict "root" .root "component" $row.component "suffix" $row.suffix) }}
{{- $keys := keys $row.keys | sortAlpha | join ", " }}
{{- if not (has $provider (list "generated" "existing")) }}
{{- toYaml (dict "mode" "synced" "name" ($row.existingSecret | default $default)) }}
{{- else if $row.existingSecret }}
{{- toYaml (dict "mode" "existing" "name" $row.existingSecret) }}
{{- else if and $row.fallback (not $row.generatable) (has $provider (list "generated" "existing")) }}
{{- $fb := include "spark-k8s.credential.resolve" (dict "root" .root "id" $row.fallback) | fromYaml }}
{{- toYaml (dict "mode" (ternary "missing" "fallback" (eq $fb.mode "missing")) "name" $fb.name "message" $fb.message "via" $row.fallback) }}
{{- else if eq $provider "existing" }}
{{- $why := ternary "secrets.provider is \"existing\"" "secrets.requireExisting is true" (eq (toString .root.Values.secrets.provider) "existing") }}
{{- toYaml (dict "mode" "missing" "name" $default "message" (printf "%s: %s: create the Secret first (keys %s; kubectl create secret generic ...) and name it in %s" $row.existingSecretKey $why $keys $row.existingSecretKey)) }}
{{- else if and (eq $provider "generated") (not $row.generatable) }}
{{- toYaml (dict "mode" "missing" "name" $default "message" ($row.missing | default (printf "%s: name a Secret with the S3 credentials (keys %s) when minio.enabled is false: the chart generates keys only for its own MinIO" $row.existingSecretKey $keys))) }}
{{- else }}
{{- toYaml (dict "mode" "generated" "name" $default) }}
{{- end }}
{{- end }}

{{/* Name of the Secret a workload reads for one credential row; fails when the row has none. Takes root, id. */}}
{{- define "spark-k8s.credential.secretName" -}}
{{- $r := include "spark-k8s.credential.resolve" . | fromYaml }}
{{- if eq $r.mode "missing" }}
{{- fail $r.message }}
{{- end }}
{{- $r.name }}
{{- end }}

{{/* One secretKeyRef env var. Takes root, id (credential row), name (env var), key (Secret key). */}}
{{- define "spark-k8s.credential.env" -}}
- name: {{ .name | quote }}
  valueFrom:
    secretKeyRef:
      name: {{ include "spark-k8s.credential.secretName" . | quote }}
      key: {{ .key | toString | quote }}
{{- end }}

{{/* Name of the (Cluster)SecretStore the ExternalSecrets use. */}}
{{- define "spark-k8s.secrets.storeName" -}}
{{- .Values.secrets.externalSecrets.store.name | default (include "spark-k8s.objectName" (dict "root" . "component" "secrets" "suffix" "store")) }}
{{- end }}
