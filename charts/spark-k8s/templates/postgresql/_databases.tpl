{{/*
The application databases of the chart's PostgreSQL: one row per database that an in-chart component keeps there.
A row names
  enabled      whether the release needs the database in the chart's PostgreSQL (false when its component is off or
               uses an external database);
  database     the database name;
  owner        its owner role: LOGIN and CREATEDB only (backup verify and restores create scratch databases), never
               SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS;
  credential   the row of the credential table (templates/credentials/_credentials.tpl) whose Secret holds the owner's
               password, and passwordKey its key;
  restoreRole  true for the database whose owner the restore role (postgresql.auth.restore) is a member of and acts as.
The roles Job (templates/postgresql/roles-job.yaml) creates every enabled row's role and database idempotently, on
every install and upgrade. Adding a database is adding a row here (and its credential row).
*/}}
{{- define "spark-k8s.appDatabases" -}}
{{- $v := .Values }}
{{- $a := $v.postgresql.auth }}
metastore:
  enabled: {{ $v.postgresql.enabled }}
  database: {{ toString $a.database | quote }}
  owner: {{ toString $a.username | quote }}
  credential: postgresql
  passwordKey: {{ toString $a.passwordKey | quote }}
  restoreRole: true
airflow:
  enabled: {{ and $v.postgresql.enabled $v.airflow.enabled (not $v.airflow.externalDatabase.host) }}
  database: {{ toString $v.airflow.database.name | quote }}
  owner: {{ toString $v.airflow.database.username | quote }}
  credential: postgresql-airflow
  passwordKey: {{ toString $v.airflow.database.passwordKey | quote }}
  restoreRole: false
{{- $mlflowInChart := eq (include "spark-k8s.mlflow.inChartDb" .) "true" }}
mlflow:
  enabled: {{ $mlflowInChart }}
  database: {{ toString $v.mlflow.database.name | quote }}
  owner: {{ toString $v.mlflow.database.username | quote }}
  credential: postgresql-mlflow
  passwordKey: {{ toString $v.mlflow.database.passwordKey | quote }}
  restoreRole: false
# The users and permissions of MLflow's basic-auth app: a database of its own (its own tables and migrations), same owner.
mlflow-auth:
  enabled: {{ and $mlflowInChart $v.mlflow.auth.enabled }}
  database: {{ toString $v.mlflow.auth.database | quote }}
  owner: {{ toString $v.mlflow.database.username | quote }}
  credential: postgresql-mlflow
  passwordKey: {{ toString $v.mlflow.database.passwordKey | quote }}
  restoreRole: false
{{- end }}

{{/* The enabled rows of the application-database table, in name order (YAML list of maps with their "name"). */}}
{{- define "spark-k8s.appDatabases.enabled" -}}
{{- $rows := include "spark-k8s.appDatabases" . | fromYaml }}
{{- $out := list }}
{{- range $name := keys $rows | sortAlpha }}
{{- $row := index $rows $name }}
{{- if $row.enabled }}{{ $out = append $out (merge (dict "name" $name) $row) }}{{ end }}
{{- end }}
{{- toYaml $out }}
{{- end }}
