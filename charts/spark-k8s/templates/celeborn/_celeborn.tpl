{{/*
Apache Celeborn remote shuffle (celeborn.enabled): masters (a Raft group when more than one) and workers as
StatefulSets behind headless Services, and the Celeborn client in every Spark application of the release. Upstream
facts (apache/celeborn v0.7.0) are cited where they are used; docs/en/celeborn.md summarises them.
*/}}

{{/* Stable DNS name of master or worker pod <index>: <statefulset>-<index>.<headless service>.<namespace>.svc. Takes root, component, index. */}}
{{- define "spark-k8s.celeborn.podHost" -}}
{{- $name := include "spark-k8s.componentName" (dict "root" .root "component" .component) }}
{{- printf "%s-%d.%s.%s.svc" $name (int .index) $name .root.Release.Namespace }}
{{- end }}

{{/* Whether the masters run as a Raft group (celeborn.master.ha.enabled): with more than one replica. */}}
{{- define "spark-k8s.celeborn.ha" -}}
{{- gt (int .Values.celeborn.master.replicas) 1 }}
{{- end }}

{{/* Every master's RPC endpoint, comma-separated (celeborn.master.endpoints of clients, celeborn.master.internal.endpoints of workers). */}}
{{- define "spark-k8s.celeborn.masterEndpoints" -}}
{{- $endpoints := list }}
{{- range $i := until (int .Values.celeborn.master.replicas) }}
{{- $endpoints = append $endpoints (printf "%s:%d" (include "spark-k8s.celeborn.podHost" (dict "root" $ "component" "celeborn-master" "index" $i)) (int $.Values.celeborn.master.ports.rpc)) }}
{{- end }}
{{- join "," $endpoints }}
{{- end }}

{{/* Mount paths of the worker's shuffle volumes, /mnt/disk1 ... /mnt/disk<disks> (YAML list). */}}
{{- define "spark-k8s.celeborn.workerDirs" -}}
{{- $dirs := list }}
{{- range $i := until (int .Values.celeborn.worker.storage.disks) }}{{ $dirs = append $dirs (printf "/mnt/disk%d" (add1 $i)) }}{{ end }}
{{- toYaml $dirs }}
{{- end }}

{{/* Where the masters keep the Raft log and snapshots (their PVC). */}}
{{- define "spark-k8s.celeborn.ratisDir" -}}/mnt/ratis{{- end }}

{{/*
celeborn-defaults.conf of masters and workers (YAML map of Celeborn properties; docs/configuration/{master,worker,ha}.md
of apache/celeborn v0.7.0 name them).
*/}}
{{- define "spark-k8s.celeborn.serverConf" -}}
{{- $c := .Values.celeborn }}
{{- $conf := dict }}
{{- $_ := set $conf "celeborn.master.endpoints" (include "spark-k8s.celeborn.masterEndpoints" .) }}
{{- $_ := set $conf "celeborn.master.internal.endpoints" (include "spark-k8s.celeborn.masterEndpoints" .) }}
{{- $_ := set $conf "celeborn.master.port" (toString $c.master.ports.rpc) }}
{{- $_ := set $conf "celeborn.master.http.port" (toString $c.master.ports.http) }}
{{- $ha := eq (include "spark-k8s.celeborn.ha" .) "true" }}
{{- $_ := set $conf "celeborn.master.ha.enabled" (toString $ha) }}
{{- if $ha }}
{{- /* Node ids 0..replicas-1 are the pods' ordinals; each master names its own with -Dceleborn.master.ha.node.id
(MasterClusterInfo.loadHAConfig, master module), the rest are its Raft peers. */}}
{{- range $i := until (int $c.master.replicas) }}
{{- $_ := set $conf (printf "celeborn.master.ha.node.%d.host" $i) (include "spark-k8s.celeborn.podHost" (dict "root" $ "component" "celeborn-master" "index" $i)) }}
{{- $_ := set $conf (printf "celeborn.master.ha.node.%d.port" $i) (toString $c.master.ports.rpc) }}
{{- $_ := set $conf (printf "celeborn.master.ha.node.%d.ratis.port" $i) (toString $c.master.ports.ratis) }}
{{- end }}
{{- $_ := set $conf "celeborn.master.ha.ratis.raft.server.storage.dir" (include "spark-k8s.celeborn.ratisDir" .) }}
{{- end }}
{{- /* Fixed worker ports (Celeborn's default is 0, a random port). */}}
{{- $_ := set $conf "celeborn.worker.rpc.port" (toString $c.worker.ports.rpc) }}
{{- $_ := set $conf "celeborn.worker.push.port" (toString $c.worker.ports.push) }}
{{- $_ := set $conf "celeborn.worker.fetch.port" (toString $c.worker.ports.fetch) }}
{{- $_ := set $conf "celeborn.worker.replicate.port" (toString $c.worker.ports.replicate) }}
{{- $_ := set $conf "celeborn.worker.http.port" (toString $c.worker.ports.http) }}
{{- $dirs := list }}
{{- range (include "spark-k8s.celeborn.workerDirs" . | fromYamlArray) }}
{{- $dirs = append $dirs (printf "%s:capacity=%s:disktype=%s" . $c.worker.storage.size $c.worker.storage.diskType) }}
{{- end }}
{{- $_ := set $conf "celeborn.worker.storage.dirs" (join "," $dirs) }}
{{- /* The upstream chart (charts/celeborn/values.yaml) turns the device monitor off in pods: it inspects the node's
block devices, which a PVC mount does not map to. */}}
{{- $_ := set $conf "celeborn.worker.monitor.disk.enabled" "false" }}
{{- /* Workers advertise their stable DNS names (--host), not pod IPs, so a restarted worker keeps its identity
(docs/deploy_on_k8s.md, "Access Celeborn Service"). */}}
{{- $_ := set $conf "celeborn.network.bind.preferIpAddress" "false" }}
{{- $g := $c.worker.gracefulShutdown }}
{{- $_ := set $conf "celeborn.worker.graceful.shutdown.enabled" (toString $g.enabled) }}
{{- if $g.enabled }}
{{- $_ := set $conf "celeborn.worker.graceful.shutdown.timeout" (printf "%ds" (int $g.timeoutSeconds)) }}
{{- /* Slots get 80% of the budget, as Celeborn's defaults (480s of 600s). */}}
{{- $_ := set $conf "celeborn.worker.graceful.shutdown.checkSlotsFinished.timeout" (printf "%ds" (div (mul (int $g.timeoutSeconds) 4) 5)) }}
{{- $_ := set $conf "celeborn.worker.graceful.shutdown.recoverPath" "/mnt/disk1/recover" }}
{{- end }}
{{- $_ := set $conf "celeborn.metrics.enabled" "true" }}
{{- $_ := set $conf "celeborn.metrics.prometheus.path" "/metrics/prometheus" }}
{{- toYaml $conf }}
{{- end }}

{{/* Fails with the key to change when the Spark line has no Celeborn client or the values cannot work. */}}
{{- define "spark-k8s.celeborn.validate" -}}
{{- if .Values.celeborn.enabled }}
{{- $line := toString .Values.spark.version }}
{{- $jars := (include "spark-k8s.release" . | fromYaml).componentJars.celeborn | default list }}
{{- if not $jars }}
{{- $supported := list }}
{{- range $l, $r := .Values.spark.releases }}{{ if ($r.componentJars | default dict).celeborn }}{{ $supported = append $supported $l }}{{ end }}{{ end }}
{{- fail (printf "celeborn.enabled: Spark %s has no Celeborn client (spark.releases.%q.componentJars.celeborn is empty); Celeborn supports the lines %s: set spark.version to one of them or celeborn.enabled: false" $line $line (join ", " $supported)) }}
{{- end }}
{{- if and .Values.celeborn.client.replicate (lt (int .Values.celeborn.worker.replicas) 2) }}
{{- fail "celeborn.client.replicate: replication needs a second worker; set celeborn.worker.replicas >= 2 or celeborn.client.replicate: false" }}
{{- end }}
{{- if eq (mod (int .Values.celeborn.master.replicas) 2) 0 }}
{{- fail (printf "celeborn.master.replicas: %d masters tolerate no more failures than %d and can split the Raft vote; use 1, 3, 5 or 7" (int .Values.celeborn.master.replicas) (sub (int .Values.celeborn.master.replicas) 1)) }}
{{- end }}
{{- end }}
{{- end }}

{{/* Spark properties celeborn adds to every Spark application of the release (YAML map; empty while celeborn.enabled is false).
Takes root and role ("connect": the Connect server; "job": a submitted job or SparkApplication). Merged by
spark-k8s.components.sparkConf (templates/_spark.tpl), after the chart's own properties and before the user's. */}}
{{- define "spark-k8s.celeborn.sparkConf" -}}
{{- $root := .root }}
{{- $c := $root.Values.celeborn }}
{{- if $c.enabled }}
{{- $conf := dict }}
{{- /* README.md of apache/celeborn v0.7.0, "Spark Configuration". */}}
{{- $_ := set $conf "spark.shuffle.manager" "org.apache.spark.shuffle.celeborn.SparkShuffleManager" }}
{{- /* "must use kryo serializer because java serializer do not support relocation" (same README). */}}
{{- $_ := set $conf "spark.serializer" "org.apache.spark.serializer.KryoSerializer" }}
{{- $_ := set $conf "spark.celeborn.master.endpoints" (include "spark-k8s.celeborn.masterEndpoints" $root) }}
{{- $_ := set $conf "spark.shuffle.service.enabled" "false" }}
{{- /* Dynamic allocation without shuffle tracking: Spark >= 3.5 asks the ShuffleDataIO plugin whether shuffle data
lives outside the executors (SPARK-42689); CelebornShuffleDataIO says yes, so idle executors are released at once. The
chart's connect and job conf turn shuffle tracking on with dynamic allocation; this map wins over them. */}}
{{- $_ := set $conf "spark.shuffle.sort.io.plugin.class" "org.apache.spark.shuffle.celeborn.CelebornShuffleDataIO" }}
{{- $_ := set $conf "spark.dynamicAllocation.shuffleTracking.enabled" "false" }}
{{- /* Shuffle blocks live on the Celeborn workers: a decommissioning executor has none to migrate. */}}
{{- $_ := set $conf "spark.storage.decommission.shuffleBlocks.enabled" "false" }}
{{- /* The driver's LifecycleManager, which executors call, on a fixed port (celeborn.client.shuffle.manager.port). */}}
{{- $_ := set $conf "spark.celeborn.client.shuffle.manager.port" (toString $c.client.lifecycleManagerPort) }}
{{- $_ := set $conf "spark.celeborn.client.push.replicate.enabled" (toString $c.client.replicate) }}
{{- /* Recommended there "for getting better performance of Celeborn". */}}
{{- $_ := set $conf "spark.sql.adaptive.localShuffleReader.enabled" "false" }}
{{- toYaml $conf }}
{{- end }}
{{- end }}
