{{/*
NetworkPolicy helpers: the flows of every component row (templates/_components.tpl, fields egress and ingress)
resolved into NetworkPolicy rules. A flow between two pods of the release is written once, at its source (an egress
entry {to: <component>, port: <name>}); the destination's ingress rule comes from the same entry.
*/}}

{{/* Selector of one component's pods in this release (instance + component, the interface rule of issue 9). Takes root, component. */}}
{{- define "spark-k8s.netpol.selector" -}}
matchLabels:
  app.kubernetes.io/instance: {{ .root.Release.Name | quote }}
  app.kubernetes.io/component: {{ .component | quote }}
{{- end }}

{{/* TCP port of a URL: its explicit port, else 443 for https, 80 for http and 22 for ssh. */}}
{{- define "spark-k8s.netpol.urlPort" -}}
{{- $u := urlParse . }}
{{- $explicit := regexFind ":[0-9]+$" $u.host | trimPrefix ":" }}
{{- if $explicit }}{{ $explicit }}{{ else if eq $u.scheme "http" }}80{{ else if eq $u.scheme "ssh" }}22{{ else }}443{{ end }}
{{- end }}

{{/* An egress rule to CIDRs on TCP ports (YAML map). Takes cidrs, ports. */}}
{{- define "spark-k8s.netpol.cidrRule" -}}
{{- $to := list }}
{{- range .cidrs }}{{ $to = append $to (dict "ipBlock" (dict "cidr" .)) }}{{ end }}
{{- $ports := list }}
{{- range .ports }}{{ $ports = append $ports (dict "protocol" "TCP" "port" (int .)) }}{{ end }}
{{- toYaml (dict "to" $to "ports" $ports) }}
{{- end }}

{{/*
An egress entry of a row normalised to an in-release flow: {to: <component>, port: <name>} for an in-release
destination (also s3 and postgresql entries that point at the in-chart MinIO or PostgreSQL), or {} for an entry
that leaves the release. Takes root, entry.
*/}}
{{- define "spark-k8s.netpol.internal" -}}
{{- $e := .entry }}
{{- $v := .root.Values }}
{{- if $e.to }}
{{- toYaml (dict "to" $e.to "port" $e.port "range" $e.range) }}
{{- else if and (eq (toString $e.peer) "s3") $v.minio.enabled (eq $e.url (include "spark-k8s.s3Endpoint" .root)) (not $v.s3.endpoint) }}
{{- toYaml (dict "to" "minio" "port" "s3") }}
{{- else if and (eq (toString $e.peer) "s3") $v.minio.enabled (eq $e.url (printf "http://%s.%s.svc:%d" (include "spark-k8s.componentName" (dict "root" .root "component" "minio")) .root.Release.Namespace (int $v.minio.port))) }}
{{- toYaml (dict "to" "minio" "port" "s3") }}
{{- else if and (eq (toString $e.peer) "postgresql") $v.postgresql.enabled (eq $e.host (printf "%s.%s.svc" (include "spark-k8s.componentName" (dict "root" .root "component" "postgresql")) .root.Release.Namespace)) }}
{{- toYaml (dict "to" "postgresql" "port" "postgresql") }}
{{- else }}
{{- toYaml dict }}
{{- end }}
{{- end }}

{{/* The NetworkPolicy port (YAML map) of an in-release flow: a named port of the destination row, or one of its portRanges. Takes flow, row, component, source. */}}
{{- define "spark-k8s.netpol.flowPort" -}}
{{- if .flow.range }}
{{- $range := index (.row.portRanges | default dict) .flow.range }}
{{- if not $range }}{{ fail (printf "chart bug: component %q has an egress flow to port range %q of %q, which has no such range" .source .flow.range .component) }}{{ end }}
{{- toYaml (dict "protocol" "TCP" "port" (int (index $range 0)) "endPort" (int (index $range 1))) }}
{{- else }}
{{- if not (hasKey .row.ports .flow.port) }}{{ fail (printf "chart bug: component %q has an egress flow to port %q of %q, which has no such port" .source .flow.port .component) }}{{ end }}
{{- toYaml (dict "protocol" (index (.row.protocols | default dict) .flow.port | default "TCP") "port" (int (index .row.ports .flow.port))) }}
{{- end }}
{{- end }}

{{/*
The egress rules (YAML list) of one component: in-release flows, external peers, DNS, the API server and
networkPolicy.extraEgress. Takes root, component.
*/}}
{{- define "spark-k8s.netpol.egressRules" -}}
{{- $root := .root }}
{{- $np := $root.Values.networkPolicy }}
{{- include "spark-k8s.componentsCache" $root }}
{{- $rows := index $root "spark-k8s.rows" }}
{{- $row := index $rows .component }}
{{- $rules := list }}
{{- range $row.egress }}
{{- $flow := include "spark-k8s.netpol.internal" (dict "root" $root "entry" .) | fromYaml }}
{{- if $flow.to }}
{{- $dst := index $rows $flow.to }}
{{- if not $dst }}{{ fail (printf "chart bug: component %q has an egress flow to %q, which has no row in templates/_components.tpl" $.component $flow.to) }}{{ end }}
{{- if $dst.enabled }}
{{- $port := include "spark-k8s.netpol.flowPort" (dict "flow" $flow "row" $dst "component" $flow.to "source" $.component) | fromYaml }}
{{- $rules = append $rules (dict "to" (list (dict "podSelector" (include "spark-k8s.netpol.selector" (dict "root" $root "component" $flow.to) | fromYaml))) "ports" (list $port)) }}
{{- end }}
{{- else if eq (toString .peer) "s3" }}
{{- if .url }}{{ $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" $np.egress.s3Cidrs "ports" (list (include "spark-k8s.netpol.urlPort" .url))) | fromYaml) }}{{ end }}
{{- else if eq (toString .peer) "postgresql" }}
{{- if .host }}{{ $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" $np.egress.databaseCidrs "ports" (list .port)) | fromYaml) }}{{ end }}
{{- else if eq (toString .peer) "downloads" }}
{{- if .url }}{{ $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" $np.egress.downloadCidrs "ports" (list (include "spark-k8s.netpol.urlPort" .url))) | fromYaml) }}{{ end }}
{{- else if eq (toString .peer) "git" }}
{{- if .url }}{{ $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" $np.egress.gitCidrs "ports" (list (include "spark-k8s.netpol.urlPort" .url))) | fromYaml) }}{{ end }}
{{- else if eq (toString .peer) "kubeApi" }}
{{- $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" $np.kubeApi.cidrs "ports" $np.kubeApi.ports) | fromYaml) }}
{{- else if eq (toString .peer) "dns" }}
{{- $labels := dict }}
{{- range splitList "," $np.dns.podLabels }}{{ $kv := splitn "=" 2 . }}{{ $_ := set $labels $kv._0 $kv._1 }}{{ end }}
{{- $rules = append $rules (dict
  "to" (list (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $np.dns.namespace)) "podSelector" (dict "matchLabels" $labels)))
  "ports" (list (dict "protocol" "UDP" "port" 53) (dict "protocol" "TCP" "port" 53))) }}
{{- else }}
{{- fail (printf "chart bug: component %q has an egress entry %s that templates/_components.tpl does not define" $.component (toJson .)) }}
{{- end }}
{{- end }}
{{- range $i, $extra := $np.extraEgress }}
{{- $where := printf "networkPolicy.extraEgress[%d]" $i }}
{{- range $field := list "cidrs" "ports" }}
{{- if not (kindIs "slice" (index $extra $field)) }}{{ fail (printf "%s.%s: give a list (entries look like {components: [connect], cidrs: [10.20.0.0/16], ports: [443]})" $where $field) }}{{ end }}
{{- end }}
{{- range $extra.cidrs }}
{{- if not (regexMatch "^([0-9]{1,3}[.]){3}[0-9]{1,3}/[0-9]{1,2}$|^[0-9a-fA-F:]+/[0-9]{1,3}$" (toString .)) }}{{ fail (printf "%s.cidrs: %q is not a CIDR (e.g. 10.20.0.0/16)" $where (toString .)) }}{{ end }}
{{- end }}
{{- range $extra.ports }}
{{- if not (and (kindIs "float64" .) (ge (int .) 1) (le (int .) 65535)) }}{{ fail (printf "%s.ports: %v is not a port number (1-65535)" $where .) }}{{ end }}
{{- end }}
{{- range $field, $_ := $extra }}
{{- if not (has $field (list "components" "cidrs" "ports")) }}{{ fail (printf "%s.%s: unknown field (use components, cidrs, ports)" $where $field) }}{{ end }}
{{- end }}
{{- with $extra }}
{{- if or (not .components) (has $.component .components) }}
{{- $rules = append $rules (include "spark-k8s.netpol.cidrRule" (dict "cidrs" .cidrs "ports" .ports) | fromYaml) }}
{{- end }}
{{- end }}
{{- end }}
{{- toYaml (uniq $rules) }}
{{- end }}

{{/*
The ingress rules (YAML list) of one component: from every enabled row whose egress reaches it, and from the
connectClients / uiClients peers its row names. Takes root, component.
*/}}
{{- define "spark-k8s.netpol.ingressRules" -}}
{{- $root := .root }}
{{- $np := $root.Values.networkPolicy }}
{{- include "spark-k8s.componentsCache" $root }}
{{- $rows := index $root "spark-k8s.rows" }}
{{- $row := index $rows .component }}
{{- $rules := list }}
{{- range $source := keys $rows | sortAlpha }}
{{- $src := index $rows $source }}
{{- if and $src.enabled $src.pods }}
{{- range $src.egress }}
{{- $flow := include "spark-k8s.netpol.internal" (dict "root" $root "entry" .) | fromYaml }}
{{- if eq (toString $flow.to) $.component }}
{{- $port := include "spark-k8s.netpol.flowPort" (dict "flow" $flow "row" $row "component" $.component "source" $source) | fromYaml }}
{{- $rules = append $rules (dict "from" (list (dict "podSelector" (include "spark-k8s.netpol.selector" (dict "root" $root "component" $source) | fromYaml))) "ports" (list $port)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $row.ingress }}
{{- $peers := index $np .from }}
{{- if $peers }}
{{- $ports := list }}
{{- range .ports }}{{ $ports = append $ports (dict "protocol" "TCP" "port" (int (index $row.ports .))) }}{{ end }}
{{- $rules = append $rules (dict "from" $peers "ports" $ports) }}
{{- end }}
{{- end }}
{{- toYaml (uniq $rules) }}
{{- end }}
