{{/*
The component table: one row per component of the chart, the single place that names each component's
on/off switch, image, ports and network flows. Services, containers' ports, version labels, ServiceAccounts and
the NetworkPolicies (templates/networkpolicy.yaml) read it; no template hard-codes a component's port or image.
Row fields:
  enabled  whether the release renders the component;
  image    the values path of its image map ("connect.image"), or "" for a component that runs no image of its own;
  spark    true for components that run the Spark image (their version label is the Spark release);
  version  the version label of a component whose image tag is not its release (mlflow: mlflow.version);
  ports    port name -> number, as the Services and containerPorts name them;
  protocols port name -> UDP for the ports that are not TCP (the default);
  metrics  for pods that export Prometheus metrics: {port: <port name>, path, scheme, monitor: service|pod};
  pods     true for components that run pods (they get a ServiceAccount and a NetworkPolicy);
  apiToken true for components whose pods talk to the Kubernetes API (their ServiceAccount token is mounted);
  identity the s3.workloadIdentity purpose (values key: spark, historyServer, backup, costExporter) whose cloud identity annotates
           the component's ServiceAccount when s3.workloadIdentity.provider is set (templates/credentials/_identity.tpl);
           absent for pods that reach no S3;
  egress   the flows the component's pods start (only for pods: true); each entry is one of
             {to: <component>, port: <port name of that component>}  a pod of this release;
             {to: <component>, range: <portRanges name of that component>}  the same, on a port range; the destination's
                                        ingress allow is derived from this entry, so a flow is written once, at its source;
                                        skipped while the destination is disabled;
             {peer: s3, url: <endpoint>}  S3: the in-chart MinIO (to: minio, port: s3) when url is the in-chart endpoint,
                                        else networkPolicy.egress.s3Cidrs on the URL's port;
             {peer: postgresql, host: <host>, port: <n>}  the in-chart PostgreSQL when host is its Service, else
                                        networkPolicy.egress.databaseCidrs on that port;
             {peer: downloads, url: <repository>}  networkPolicy.egress.downloadCidrs on the URL's port (Maven, pip);
             {peer: git, url: <repository>}  networkPolicy.egress.gitCidrs on the URL's port (https 443, ssh 22);
             {peer: dns}                kube-dns (networkPolicy.dns), UDP and TCP;
             {peer: kubeApi}            networkPolicy.kubeApi.cidrs on networkPolicy.kubeApi.ports;
             {peer: otlp, url: <endpoint>}  tracing.otlp.cidrs on the URL's port (traced JVMs, tracing.enabled);
           networkPolicy.extraEgress entries naming the component (or naming none) are added to every row;
  metrics  (only with monitoring.enabled) the Prometheus endpoint the component's pods export:
             {port: <port name in ports>, path: <first path>, extraPaths: [<further paths on that port>], scheme: http,
              monitor: service|pod}; templates/monitoring/monitors.yaml renders a ServiceMonitor (monitor: service,
             selecting the component's Service, which must carry that port) or a PodMonitor (monitor: pod, the pods'
             container port of that name), and the component's NetworkPolicy lets monitoring.prometheus's pods reach
             that port; the series are listed in charts/spark-k8s/monitoring/catalogue/;
           podPort and selector (monitor: pod only) serve pods another program creates: podPort is the container port
             name those pods carry when it differs from the row's (Spark names the driver UI port spark-ui), selector
             labels that program adds, which the PodMonitor selects besides the component's (spark-role: driver);
             podTargetLabels the pod labels Prometheus copies onto every series (spark-k8s.io/job);
  ingress  flows from outside the release (in-release ingress comes from the sources' egress entries):
             {from: connectClients, ports: [<port names>]}  networkPolicy.connectClients peers;
             {from: uiClients, ports: [<port names>]}       networkPolicy.uiClients peers.
Add a component by adding its row here first; its flows are its row's egress and ingress entries, nothing else.
*/}}
{{- define "spark-k8s.components" -}}
{{- /* Rendered once per render and kept on the root context: every label, port and policy lookup reads the table. */}}
{{- include "spark-k8s.componentsCache" . }}
{{- index . "spark-k8s.components" }}
{{- end }}

{{/* Fills the cache on the root context: "spark-k8s.components" (the table's text) and "spark-k8s.rows" (parsed, read-only). */}}
{{- define "spark-k8s.componentsCache" -}}
{{- if not (hasKey . "spark-k8s.components") }}
{{- $text := include "spark-k8s.componentTable" . }}
{{- $_ := set . "spark-k8s.components" $text }}
{{- $_ := set . "spark-k8s.rows" ($text | fromYaml) }}
{{- end }}
{{- end }}

{{- define "spark-k8s.componentTable" -}}
{{- $v := .Values }}
{{- $s3 := include "spark-k8s.netpol.s3Url" . }}
{{- $jars := ternary "" $v.jars.repository $v.jars.bundled }}
{{- $db := include "spark-k8s.metastoreDb" . | fromYaml }}
{{- $otlp := ternary $v.tracing.otlp.endpoint "" $v.tracing.enabled }}
{{- $mon := $v.monitoring.enabled }}
{{- $celeborn := $v.celeborn.enabled }}
connect:
  enabled: {{ $v.connect.enabled }}
  image: connect.image
  spark: true
  pods: true
  identity: spark
  apiToken: {{ eq $v.connect.backend "k8s" }}
  ports:
    grpc: {{ int $v.connect.ports.grpc }}
    ui: {{ int $v.connect.ports.ui }}
    driver: {{ int $v.connect.ports.driver }}
    blockmanager: {{ int $v.connect.ports.blockManager }}
    {{- if $celeborn }}
    celeborn: {{ int $v.celeborn.client.lifecycleManagerPort }}
    {{- end }}
  {{- if $mon }}
  # PrometheusServlet (driver sources) and the executors' summary (spark.ui.prometheus.enabled) on the UI port. A
  # PodMonitor: the headless driver Service carries the same component label and has no UI port.
  metrics: {port: ui, path: /metrics/prometheus, extraPaths: [/metrics/executors/prometheus], scheme: http, monitor: pod}
  {{- end }}
  egress:
    - {to: executor, port: blockmanager}
    - {to: standalone-master, port: rpc}
    - {to: standalone-worker, range: executors}
    - {to: metastore, port: thrift}
    - {to: celeborn-master, port: rpc}
    - {to: celeborn-worker, port: rpc}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- if eq $v.connect.backend "k8s" }}
    - {peer: kubeApi}
    {{- end }}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
  ingress:
    - {from: connectClients, ports: [grpc, ui]}
    - {from: uiClients, ports: [ui]}
executor:
  enabled: {{ and $v.connect.enabled (eq $v.connect.backend "k8s") }}
  image: connect.image
  spark: true
  pods: true
  identity: spark
  # blockmanager: spark.blockManager.port; Spark adds it to each executor container as the port "blockmanager"
  # (BasicExecutorFeatureStep in apache/spark resource-managers/kubernetes), so the pod template does not list it.
  ports:
    blockmanager: {{ int $v.connect.ports.executorBlockManager }}
  egress:
    - {to: connect, port: driver}
    - {to: connect, port: blockmanager}
    - {to: executor, port: blockmanager}
    {{- if $celeborn }}
    - {to: connect, port: celeborn}
    {{- end }}
    - {to: celeborn-worker, port: push}
    - {to: celeborn-worker, port: fetch}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
standalone-master:
  enabled: {{ $v.standalone.enabled }}
  image: standalone.image
  spark: true
  pods: true
  ports:
    rpc: {{ int $v.standalone.master.ports.rpc }}
    ui: {{ int $v.standalone.master.ports.ui }}
  {{- if $mon }}
  # The master and applications instances of Spark's metrics system (MetricsConfig's default servlet paths).
  metrics: {port: ui, path: /metrics/master/prometheus, extraPaths: [/metrics/applications/prometheus], scheme: http, monitor: service}
  {{- end }}
  # The master sends LaunchExecutor to each worker's RPC endpoint and application events to the driver over
  # connections of its own (NettyRpcEnv opens an outbound client per remote address; apache/spark core rpc/netty).
  egress:
    - {to: standalone-worker, port: rpc}
    - {to: connect, port: driver}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
  ingress:
    - {from: uiClients, ports: [ui]}
standalone-worker:
  enabled: {{ $v.standalone.enabled }}
  image: standalone.image
  spark: true
  pods: true
  identity: spark
  ports:
    rpc: {{ int $v.standalone.worker.ports.rpc }}
    ui: {{ int $v.standalone.worker.ports.ui }}
  {{- if $mon }}
  metrics: {port: ui, path: /metrics/prometheus, scheme: http, monitor: pod}
  {{- end }}
  # The executors a worker launches share its pod and bind spark.blockManager.port; a second executor in the same pod
  # takes the next free port, up to spark.port.maxRetries (16) above it (Utils.startServiceOnPort in apache/spark).
  # Executors open no RPC server of their own (SparkEnv.createExecutorEnv: RpcEnv in client mode).
  portRanges:
    executors: [{{ int $v.connect.ports.executorBlockManager }}, {{ add (int $v.connect.ports.executorBlockManager) 16 }}]
  egress:
    - {to: standalone-master, port: rpc}
    - {to: standalone-worker, port: rpc}
    - {to: standalone-worker, range: executors}
    - {to: connect, port: driver}
    - {to: connect, port: blockmanager}
    {{- if $celeborn }}
    - {to: connect, port: celeborn}
    {{- end }}
    - {to: celeborn-worker, port: push}
    - {to: celeborn-worker, port: fetch}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
  ingress:
    - {from: uiClients, ports: [ui]}
history-server:
  enabled: {{ $v.historyServer.enabled }}
  image: historyServer.image
  spark: true
  pods: true
  identity: historyServer
  ports:
    http: {{ int $v.historyServer.port }}
  egress:
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
  ingress:
    - {from: uiClients, ports: [http]}
jupyter:
  enabled: {{ $v.jupyter.enabled }}
  image: jupyter.image
  pods: true
  ports:
    http: {{ int $v.jupyter.port }}
  egress:
    - {to: connect, port: grpc}
    - {to: connect, port: ui}
    - {to: mlflow, port: http}
    - {peer: dns}
    {{- if $v.jupyter.installPackages }}
    - {peer: downloads, url: {{ $v.jupyter.pipIndexUrl | default "https://pypi.org/simple" | quote }}}
    {{- end }}
  ingress:
    - {from: uiClients, ports: [http]}
{{- $mlflowDb := include "spark-k8s.mlflow.database" . | fromYaml }}
# The MLflow tracking server: its database, the artifact bucket (it proxies every client's artifacts, so clients
# reach only its http port), the UI from uiClients.
mlflow:
  enabled: {{ $v.mlflow.enabled }}
  image: mlflow.image
  version: {{ $v.mlflow.version | quote }}
  pods: true
  identity: mlflow
  ports:
    http: {{ int $v.mlflow.port }}
  {{- if eq (include "spark-k8s.mlflow.metricsOn" .) "true" }}
  # mlflow server --expose-prometheus: prometheus_flask_exporter on the app's own port (templates/mlflow/_mlflow.tpl).
  metrics: {port: http, path: /metrics, scheme: http, monitor: service}
  {{- end }}
  egress:
    - {peer: postgresql, host: {{ $mlflowDb.host | quote }}, port: {{ int $mlflowDb.port }}}
    - {peer: s3, url: {{ $s3 | quote }}}
    - {peer: dns}
  ingress:
    - {from: uiClients, ports: [http]}
metastore:
  enabled: {{ $v.metastore.enabled }}
  image: metastore.image
  pods: true
  identity: spark
  ports:
    thrift: {{ int $v.metastore.port }}
    {{- if $mon }}
    metrics: {{ int $v.monitoring.jmxExporter.port }}
    {{- end }}
  {{- if $mon }}
  # The Prometheus JMX exporter javaagent (images/metastore, templates/metastore/configmap.yaml jmx-exporter.yaml).
  metrics: {port: metrics, path: /metrics, scheme: http, monitor: service}
  {{- end }}
  egress:
    - {peer: postgresql, host: {{ $db.host | quote }}, port: {{ int $db.port }}}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    - {peer: downloads, url: {{ $v.jars.repository | quote }}}
metastore-schema:
  enabled: {{ $v.metastore.enabled }}
  image: metastore.image
  pods: true
  ports: {}
  egress:
    - {peer: postgresql, host: {{ $db.host | quote }}, port: {{ int $db.port }}}
    - {peer: dns}
    - {peer: downloads, url: {{ $v.jars.repository | quote }}}
postgresql:
  enabled: {{ $v.postgresql.enabled }}
  image: postgresql.image
  pods: true
  ports:
    postgresql: 5432
    {{- if $mon }}
    metrics: {{ int $v.monitoring.postgresExporter.port }}
    {{- end }}
  {{- if $mon }}
  # The postgres_exporter sidecar (templates/postgresql/statefulset.yaml), logging in as its pg_monitor role.
  metrics: {port: metrics, path: /metrics, scheme: http, monitor: service}
  {{- end }}
  egress: []
postgresql-roles:
  enabled: {{ $v.postgresql.enabled }}
  image: postgresql.image
  pods: true
  ports: {}
  egress:
    - {to: postgresql, port: postgresql}
    - {peer: dns}
minio:
  enabled: {{ $v.minio.enabled }}
  image: minio.image
  pods: true
  ports:
    s3: {{ int $v.minio.port }}
    console: {{ int $v.minio.consolePort }}
  {{- if $mon }}
  # MinIO's cluster metrics on the S3 port, MINIO_PROMETHEUS_AUTH_TYPE=public (docs/en/observability.md says why).
  metrics: {port: s3, path: /minio/v2/metrics/cluster, scheme: http, monitor: service}
  {{- end }}
  egress: []
  ingress:
    - {from: uiClients, ports: [console]}
minio-buckets:
  enabled: {{ $v.minio.enabled }}
  image: minio.mcImage
  pods: true
  ports: {}
  egress:
    - {to: minio, port: s3}
    - {peer: dns}
{{- $backupDbs := 0 }}
{{- range $name, $entry := $v.backup.databases }}
{{- if eq (include "spark-k8s.backup.active" (dict "root" $ "name" $name "entry" $entry)) "true" }}{{ $backupDbs = add1 $backupDbs }}{{ end }}
{{- end }}
{{- $backupEgress := "[]" }}
{{- if or $v.backup.enabled $v.restore.enabled }}{{ $backupEgress = include "spark-k8s.netpol.backupEgress" . }}{{ end }}
backup:
  enabled: {{ and $v.backup.enabled (gt $backupDbs 0) }}
  image: backup.image
  pods: true
  identity: backup
  ports: {}
  egress:
    {{- $backupEgress | nindent 4 }}
backup-verify:
  enabled: {{ and $v.backup.enabled $v.backup.verify.enabled (gt $backupDbs 0) }}
  image: backup.image
  pods: true
  identity: backup
  ports: {}
  egress:
    {{- $backupEgress | nindent 4 }}
restore:
  enabled: {{ $v.restore.enabled | default false }}
  image: backup.image
  pods: true
  identity: backup
  ports: {}
  egress:
    {{- $backupEgress | nindent 4 }}
# spark-k8s cost serve: lists and reads this release's event logs on S3 (read-only key), serves /metrics to Prometheus.
cost-exporter:
  enabled: {{ $v.costExporter.enabled }}
  image: costExporter.image
  pods: true
  identity: costExporter
  ports:
    metrics: {{ int $v.costExporter.port }}
  metrics: {port: metrics, path: /metrics, scheme: http, monitor: service}
  egress:
    - {peer: s3, url: {{ $s3 | quote }}}
    - {peer: dns}
{{- $jobsOn := gt (len $v.jobs) 0 }}
{{- $submitJobs := false }}
{{- range $name, $job := $v.jobs }}{{ if eq ($job.type | default $v.jobDefaults.type) "submit" }}{{ $submitJobs = true }}{{ end }}{{ end }}
# spark-submit --deploy-mode cluster: it creates the driver pod, Service and ConfigMap and watches the driver
# (KubernetesClientApplication in apache/spark); it talks to nothing but the API server.
job-submitter:
  enabled: {{ and $jobsOn $submitJobs }}
  image: jobDefaults.image
  spark: true
  pods: true
  apiToken: true
  ownServiceAccount: true
  ports: {}
  egress:
    - {peer: kubeApi}
    - {peer: dns}
# The operators' SparkApplication objects: no pods of their own (the operator creates job-driver and job-executor pods).
job-application:
  enabled: {{ $jobsOn }}
  image: jobDefaults.image
  spark: true
  ports: {}
job-driver:
  enabled: {{ $jobsOn }}
  image: jobDefaults.image
  spark: true
  pods: true
  identity: spark
  apiToken: true
  ownServiceAccount: true
  ports:
    driver: 7078
    blockmanager: 7079
    ui: 4040
    {{- if $celeborn }}
    celeborn: {{ int $v.celeborn.client.lifecycleManagerPort }}
    {{- end }}
  {{- if $mon }}
  # The job drivers' PrometheusServlet and executors' summary on the UI port, as on Connect. Spark creates the driver
  # pods and names their UI container port spark-ui (Constants.UI_PORT_NAME, BasicDriverFeatureStep in apache/spark
  # resource-managers/kubernetes) and labels them spark-role=driver; podPort and selector say so to the PodMonitor,
  # and every series gets the job's name (the pods' spark-k8s.io/job label, as spark_k8s_io_job).
  metrics: {port: ui, podPort: spark-ui, selector: {spark-role: driver}, podTargetLabels: [spark-k8s.io/job], path: /metrics/prometheus, extraPaths: [/metrics/executors/prometheus], scheme: http, monitor: pod}
  {{- end }}
  egress:
    - {to: job-executor, port: blockmanager}
    - {to: metastore, port: thrift}
    - {to: celeborn-master, port: rpc}
    - {to: celeborn-worker, port: rpc}
    - {peer: s3, url: {{ $s3 | quote }}}
    - {peer: kubeApi}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
  ingress:
    - {from: uiClients, ports: [ui]}
job-executor:
  enabled: {{ $jobsOn }}
  image: jobDefaults.image
  spark: true
  pods: true
  identity: spark
  # spark.blockManager.port of the jobs (one executor per pod, so one fixed port).
  ports:
    blockmanager: 7079
  egress:
    - {to: job-driver, port: driver}
    - {to: job-driver, port: blockmanager}
    - {to: job-executor, port: blockmanager}
    {{- if $celeborn }}
    - {to: job-driver, port: celeborn}
    {{- end }}
    - {to: celeborn-worker, port: push}
    - {to: celeborn-worker, port: fetch}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- with $otlp }}
    - {peer: otlp, url: {{ . | quote }}}
    {{- end }}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
{{- $af := $v.airflow }}
{{- $afOn := $af.enabled }}
{{- $afDb := include "spark-k8s.airflow.db" . | fromYaml }}
{{- $afK8s := and $afOn (eq $af.executor "KubernetesExecutor") }}
{{- $afKube := eq (include "spark-k8s.airflow.tasksUseKubeApi" .) "true" }}
{{- $afGit := and $afOn $af.dags.gitSync.enabled }}
{{- $afStatsd := and $afOn $af.statsd.enabled }}
{{- $afVersion := include "spark-k8s.airflow.version" . }}
{{- $afInstall := and $afOn $af.installPackages }}
{{- /* Airflow 3 (templates/airflow): every component reaches its metadata database and sends StatsD; task processes
(the scheduler's with the LocalExecutor, the task pods' with the KubernetesExecutor) reach the API server's task
execution API, Spark Connect, S3 and, for submit and operator DAGs, the Kubernetes API; the API server fetches task
logs from the log servers of the pods that ran them. */}}
# Objects of Airflow that belong to no single component (configuration, variables, DAG ConfigMaps, its Secrets).
airflow:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  ports: {}
airflow-api-server:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  ports:
    http: {{ int $af.apiServer.port }}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {to: airflow-scheduler, port: logs}
    - {to: airflow-triggerer, port: logs}
    - {to: airflow-worker, port: logs}
    - {to: airflow-statsd, port: statsd}
    - {peer: dns}
  ingress:
    - {from: uiClients, ports: [http]}
airflow-scheduler:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  identity: spark
  apiToken: {{ or $afK8s (and $afOn $afKube (not $afK8s)) }}
  ports:
    health: {{ int $af.scheduler.healthCheckPort }}
    logs: {{ int $af.scheduler.logServerPort }}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {to: airflow-api-server, port: http}
    - {to: airflow-statsd, port: statsd}
    {{- if not $afK8s }}
    - {to: connect, port: grpc}
    - {to: mlflow, port: http}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- if $afInstall }}
    - {peer: downloads, url: {{ $af.pipIndexUrl | default "https://pypi.org/simple" | quote }}}
    {{- end }}
    {{- end }}
    {{- if or $afK8s $afKube }}
    - {peer: kubeApi}
    {{- end }}
    {{- if $afGit }}
    - {peer: git, url: {{ $af.dags.gitSync.repo | quote }}}
    {{- end }}
    - {peer: dns}
airflow-dag-processor:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  ports: {}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {to: airflow-api-server, port: http}
    - {to: airflow-statsd, port: statsd}
    {{- if $afGit }}
    - {peer: git, url: {{ $af.dags.gitSync.repo | quote }}}
    {{- end }}
    - {peer: dns}
airflow-triggerer:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  identity: spark
  ports:
    logs: {{ int $af.triggerer.logServerPort }}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {to: airflow-api-server, port: http}
    - {to: airflow-statsd, port: statsd}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- if $afGit }}
    - {peer: git, url: {{ $af.dags.gitSync.repo | quote }}}
    {{- end }}
    - {peer: dns}
# Task pods of the KubernetesExecutor (its pod template, airflow/pod-template.yaml): the executor in the scheduler
# creates them; they report to the API server's task execution API, not to the database.
airflow-worker:
  enabled: {{ $afK8s }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  identity: spark
  apiToken: {{ and $afK8s $afKube }}
  ports:
    logs: {{ int $af.scheduler.logServerPort }}
  egress:
    - {to: airflow-api-server, port: http}
    - {to: airflow-statsd, port: statsd}
    - {to: connect, port: grpc}
    - {to: mlflow, port: http}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- if $afInstall }}
    - {peer: downloads, url: {{ $af.pipIndexUrl | default "https://pypi.org/simple" | quote }}}
    {{- end }}
    {{- if $afKube }}
    - {peer: kubeApi}
    {{- end }}
    {{- if $afGit }}
    - {peer: git, url: {{ $af.dags.gitSync.repo | quote }}}
    {{- end }}
    - {peer: dns}
# prometheus/statsd_exporter: StatsD in on UDP, Prometheus metrics out on /metrics.
airflow-statsd:
  enabled: {{ $afStatsd }}
  image: airflow.statsd.image
  pods: true
  ports:
    statsd: {{ int $af.statsd.port }}
    metrics: {{ int $af.statsd.metricsPort }}
  protocols:
    statsd: UDP
  metrics: {port: metrics, path: /metrics, scheme: http, monitor: service}
  egress: []
airflow-migrate:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  ports: {}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {peer: dns}
airflow-db:
  enabled: {{ $afOn }}
  image: airflow.image
  version: {{ $afVersion | quote }}
  pods: true
  ports: {}
  egress:
    - {peer: postgresql, host: {{ $afDb.host | quote }}, port: {{ int $afDb.port }}}
    - {peer: dns}
s3:
  enabled: true
  image: ""
  ports: {}
default-deny:
  enabled: {{ $v.networkPolicy.enabled }}
  image: ""
  ports: {}
connect-auth:
  enabled: {{ include "spark-k8s.connect.authEnabled" . | eq "true" }}
  image: ""
  ports: {}
spark-auth:
  enabled: {{ include "spark-k8s.connect.rpcAuthOn" . | eq "true" }}
  image: ""
  ports: {}
# The Instrumentation of tracing.mode operator and the log4j2 files of logging.format json (templates/observability).
tracing:
  enabled: {{ and $v.tracing.enabled (eq $v.tracing.mode "operator") }}
  image: ""
  ports: {}
logging:
  enabled: {{ include "spark-k8s.logging.configMapOn" . | eq "true" }}
  image: ""
  ports: {}
# The Grafana dashboard ConfigMaps (templates/monitoring/dashboards.yaml).
dashboards:
  enabled: {{ and $mon $v.monitoring.dashboards.enabled }}
  image: ""
  ports: {}
# The PrometheusRule (templates/monitoring/prometheusrule.yaml): no pods; the scrape objects belong to their components.
monitoring:
  enabled: {{ $mon }}
  image: ""
  ports: {}
# Objects of templates/credentials that belong to no single component (SecretStore, Vault connection and auth).
secrets:
  enabled: true
  image: ""
  ports: {}
{{- $ice := $v.iceberg }}
# Iceberg objects that belong to no workload (the iceberg-rest credential's Secret or provider object, templates/credentials).
iceberg:
  enabled: {{ $ice.enabled }}
  image: ""
  ports: {}
# Iceberg table maintenance (templates/iceberg/maintenance.yaml): a CronJob whose pod runs Spark in local mode, so it
# reaches the metastore (hive catalog), S3 and, without baked jars, the Maven repository; never the Kubernetes API. A
# REST catalog outside the release is allowed with networkPolicy.extraEgress.
iceberg-maintenance:
  enabled: {{ and $ice.enabled $ice.maintenance.enabled }}
  image: connect.image
  spark: true
  pods: true
  identity: spark
  ports: {}
  egress:
    {{- if eq $ice.catalogType "hive" }}
    - {to: metastore, port: thrift}
    {{- end }}
    - {peer: s3, url: {{ $s3 | quote }}}
    - {peer: dns}
    {{- with $jars }}
    - {peer: downloads, url: {{ . | quote }}}
    {{- end }}
{{- $dq := $v.dataQuality }}
# The Great Expectations runner (templates/data-quality): a Spark Connect client that writes results and data docs to
# S3 with the Spark key; with dataQuality.git a one-time git-sync clones the suites first.
data-quality:
  enabled: {{ include "spark-k8s.dataQuality.active" . | eq "true" }}
  image: dataQuality.image
  version: {{ $dq.image.tag | default (include "spark-k8s.release" . | fromYaml).sparkVersion | quote }}
  pods: true
  identity: spark
  ports: {}
  egress:
    - {to: connect, port: grpc}
    - {peer: s3, url: {{ $s3 | quote }}}
    {{- if $dq.git.enabled }}
    - {peer: git, url: {{ $dq.git.repo | quote }}}
    {{- end }}
    - {peer: dns}
{{- $cm := $v.celeborn.master }}
{{- $cw := $v.celeborn.worker }}
{{- $celebornHa := gt (int $cm.replicas) 1 }}
{{- /* Apache Celeborn (templates/celeborn; apache/celeborn v0.7.0). Drivers' LifecycleManagers reach the masters (slots,
heartbeats) and the workers' RPC port (reserve slots, commit files); executors push to and fetch from the workers and
call their driver's LifecycleManager (ShuffleClientImpl); workers register and heartbeat with the masters and replicate
pushed data to a peer; masters replicate their state over Raft. */}}
# The configuration shared by masters and workers (celeborn-defaults.conf).
celeborn:
  enabled: {{ $celeborn }}
  image: celeborn.image
  ports: {}
celeborn-master:
  enabled: {{ $celeborn }}
  image: celeborn.image
  pods: true
  ports:
    rpc: {{ int $cm.ports.rpc }}
    {{- if $celebornHa }}
    ratis: {{ int $cm.ports.ratis }}
    {{- end }}
    http: {{ int $cm.ports.http }}
  {{- if $mon }}
  # Celeborn's PrometheusServlet on the HTTP port (celeborn.metrics.prometheus.path, docs/monitoring.md).
  metrics: {port: http, path: /metrics/prometheus, scheme: http, monitor: service}
  {{- end }}
  egress:
    {{- if $celebornHa }}
    - {to: celeborn-master, port: ratis}
    {{- end }}
    # The application meta sent to the workers an application's slots are on (Master.scala, to the worker's internal
    # endpoint, which is the RPC port while celeborn.internal.port.enabled is false).
    - {to: celeborn-worker, port: rpc}
    - {peer: dns}
celeborn-worker:
  enabled: {{ $celeborn }}
  image: celeborn.image
  pods: true
  ports:
    rpc: {{ int $cw.ports.rpc }}
    push: {{ int $cw.ports.push }}
    fetch: {{ int $cw.ports.fetch }}
    replicate: {{ int $cw.ports.replicate }}
    http: {{ int $cw.ports.http }}
  {{- if $mon }}
  metrics: {port: http, path: /metrics/prometheus, scheme: http, monitor: service}
  {{- end }}
  egress:
    - {to: celeborn-master, port: rpc}
    - {to: celeborn-worker, port: replicate}
    - {peer: dns}
{{- end }}

{{/* S3 endpoint URL of the chart (s3.endpoint, or the in-chart MinIO), or "" when neither is set (the render fails elsewhere). */}}
{{- define "spark-k8s.netpol.s3Url" -}}
{{- if .Values.s3.endpoint }}{{ .Values.s3.endpoint }}
{{- else if .Values.minio.enabled }}{{ include "spark-k8s.s3Endpoint" . }}
{{- end }}
{{- end }}

{{/* Egress entries of the backup, verify and restore pods: each backed-up database and the backup S3 endpoint. */}}
{{- define "spark-k8s.netpol.backupEgress" -}}
{{- $entries := list }}
{{- range $name, $entry := .Values.backup.databases }}
{{- /* The same entries as backup/cronjob.yaml (spark-k8s.backup.active). */}}
{{- if eq (include "spark-k8s.backup.active" (dict "root" $ "name" $name "entry" $entry)) "true" }}
{{- $db := include "spark-k8s.backup.database" (dict "root" $ "name" $name "entry" $entry) | fromYaml }}
{{- $entries = append $entries (dict "peer" "postgresql" "host" $db.host "port" (int $db.port)) }}
{{- end }}
{{- end }}
{{- $entries = append $entries (dict "peer" "s3" "url" (.Values.backup.target.endpoint | default (include "spark-k8s.netpol.s3Url" .))) }}
{{- $entries = append $entries (dict "peer" "dns") }}
{{- toYaml (uniq $entries) }}
{{- end }}

{{/* One row of the component table (YAML map). Takes root, component. */}}
{{- define "spark-k8s.component" -}}
{{- include "spark-k8s.componentsCache" .root }}
{{- $row := index (index .root "spark-k8s.rows") .component }}
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
