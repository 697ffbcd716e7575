{{/* Names and labels shared by every manifest of the chart. */}}

{{- define "cds-hooks.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cds-hooks.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cds-hooks.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cds-hooks.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cds-hooks.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cds-hooks.labels" -}}
helm.sh/chart: {{ include "cds-hooks.chart" . }}
{{ include "cds-hooks.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: cds-service
{{- end }}

{{- define "cds-hooks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cds-hooks.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cds-hooks.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* ConfigMap keys cannot hold "/": a knowledge file's path "rules/x.yaml" is stored as "rules__x.yaml". */}}
{{- define "cds-hooks.knowledgeKey" -}}
{{- . | replace "/" "__" }}
{{- end }}

{{- define "cds-hooks.knowledgeEnabled" -}}
{{- if and .Values.knowledge.configMap.enabled (or .Values.knowledge.configMap.existingConfigMap .Values.knowledge.configMap.files) }}true{{- end }}
{{- end }}

{{- define "cds-hooks.knowledgeConfigMapName" -}}
{{- default (printf "%s-knowledge" (include "cds-hooks.fullname" .)) .Values.knowledge.configMap.existingConfigMap }}
{{- end }}

{{/* True when the chart's own Secret has at least one key. */}}
{{- define "cds-hooks.secretNeeded" -}}
{{- $jwks := false }}
{{- range .Values.authentication.trustedClients }}{{ if .jwks }}{{ $jwks = true }}{{ end }}{{ end }}
{{- $pg := and (eq .Values.storage.provider "PostgreSQL") (not .Values.storage.postgres.existingSecret) .Values.storage.postgres.connectionString }}
{{- if or $jwks $pg }}true{{- end }}
{{- end }}

{{- define "cds-hooks.validate" -}}
{{- if not (has .Values.storage.provider (list "Sqlite" "PostgreSQL")) }}
{{- fail "storage.provider must be Sqlite or PostgreSQL" }}
{{- end }}
{{- if and (eq .Values.storage.provider "PostgreSQL") (not .Values.storage.postgres.existingSecret) (not .Values.storage.postgres.connectionString) }}
{{- fail "storage.provider PostgreSQL needs storage.postgres.connectionString or storage.postgres.existingSecret" }}
{{- end }}
{{- if ne .Values.environment "Development" }}
{{- if not .Values.authentication.publicBaseUrl }}
{{- fail "authentication.publicBaseUrl is required outside Development (the JWT audience is built from it)" }}
{{- end }}
{{- if not .Values.authentication.trustedClients }}
{{- fail "authentication.trustedClients is empty: outside Development no EHR could call the service" }}
{{- end }}
{{- end }}
{{- if and .Values.knowledge.configMap.enabled (not .Values.knowledge.configMap.files) (not .Values.knowledge.configMap.existingConfigMap) }}
{{- fail "knowledge.configMap.enabled needs knowledge.configMap.files (deploy/helm/knowledge-values.sh) or existingConfigMap" }}
{{- end }}
{{- end }}
