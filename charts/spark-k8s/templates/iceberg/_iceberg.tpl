{{/* Spark properties iceberg adds to every Spark application of the release (YAML map; empty while iceberg.enabled is false).
Takes root and role ("connect": the Connect server; "job": a submitted job or SparkApplication). Merged by
spark-k8s.components.sparkConf (templates/_spark.tpl). */}}
{{- define "spark-k8s.iceberg.sparkConf" -}}
{{- end }}
