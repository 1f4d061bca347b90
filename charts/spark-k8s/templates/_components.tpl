{{/*
The component table: one row per component of the chart, the single place that names each component's
on/off switch, image and ports. Services, containers' ports, version labels and (later) NetworkPolicies,
monitoring and the docs read it; no template hard-codes a component's port or image.
Row fields:
  enabled  whether the release renders the component;
  image    the values path of its image map ("connect.image"), or "" for a component that runs no image of its own;
  spark    true for components that run the Spark image (their version label is the Spark release);
  ports    port name -> number, as the Services and containerPorts name them.
Add a component by adding its row here first.
*/}}
{{- define "spark-k8s.components" -}}
{{- $v := .Values }}
connect:
  enabled: {{ $v.connect.enabled }}
  image: connect.image
  spark: true
  ports:
    grpc: {{ int $v.connect.ports.grpc }}
    ui: {{ int $v.connect.ports.ui }}
    driver: {{ int $v.connect.ports.driver }}
    blockmanager: {{ int $v.connect.ports.blockManager }}
executor:
  enabled: {{ $v.connect.enabled }}
  image: connect.image
  spark: true
  ports: {}
history-server:
  enabled: {{ $v.historyServer.enabled }}
  image: historyServer.image
  spark: true
  ports:
    http: {{ int $v.historyServer.port }}
jupyter:
  enabled: {{ $v.jupyter.enabled }}
  image: jupyter.image
  ports:
    http: {{ int $v.jupyter.port }}
metastore:
  enabled: {{ $v.metastore.enabled }}
  image: metastore.image
  ports:
    thrift: {{ int $v.metastore.port }}
metastore-schema:
  enabled: {{ $v.metastore.enabled }}
  image: metastore.image
  ports: {}
postgresql:
  enabled: {{ $v.postgresql.enabled }}
  image: postgresql.image
  ports:
    postgresql: 5432
postgresql-roles:
  enabled: {{ $v.postgresql.enabled }}
  image: postgresql.image
  ports: {}
minio:
  enabled: {{ $v.minio.enabled }}
  image: minio.image
  ports:
    s3: {{ int $v.minio.port }}
    console: {{ int $v.minio.consolePort }}
minio-buckets:
  enabled: {{ $v.minio.enabled }}
  image: minio.mcImage
  ports: {}
backup:
  enabled: {{ $v.backup.enabled }}
  image: backup.image
  ports: {}
backup-verify:
  enabled: {{ $v.backup.enabled }}
  image: backup.image
  ports: {}
restore:
  enabled: {{ $v.restore.enabled | default false }}
  image: backup.image
  ports: {}
s3:
  enabled: true
  image: ""
  ports: {}
# Objects of templates/credentials that belong to no single component (SecretStore, Vault connection and auth).
secrets:
  enabled: true
  image: ""
  ports: {}
{{- end }}

{{/* One row of the component table (YAML map). Takes root, component. */}}
{{- define "spark-k8s.component" -}}
{{- $row := index (include "spark-k8s.components" .root | fromYaml) .component }}
{{- if not $row }}{{ fail (printf "chart bug: component %q has no row in templates/_components.tpl" .component) }}{{ end }}
{{- toYaml $row }}
{{- end }}

{{/* A component's port number by name, from the component table. Takes root, component, port. */}}
{{- define "spark-k8s.componentPort" -}}
{{- $ports := (include "spark-k8s.component" . | fromYaml).ports }}
{{- if not (hasKey $ports .port) }}{{ fail (printf "chart bug: component %q has no port %q in templates/_components.tpl" .component .port) }}{{ end }}
{{- index $ports .port }}
{{- end }}

{{/* Service ports (list of name/port dicts) of a component for the given port names. Takes root, component, names. */}}
{{- define "spark-k8s.componentServicePorts" -}}
{{- $ports := list }}
{{- range .names }}
{{- $ports = append $ports (dict "name" . "port" (include "spark-k8s.componentPort" (dict "root" $.root "component" $.component "port" .) | int)) }}
{{- end }}
{{- toYaml $ports }}
{{- end }}
