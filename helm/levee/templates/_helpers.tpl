{{- define "levee.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "levee.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "levee.secretName" -}}
{{- if .Values.amqp.existingSecret -}}
{{- .Values.amqp.existingSecret -}}
{{- else -}}
{{- printf "%s-amqp" (include "levee.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Queue and extra settings as -D system properties: MicroProfile Config enumerates them by their dotted names. */}}
{{- define "levee.javaOptions" -}}
{{- $opts := list .Values.javaOptions -}}
{{- range $queue, $settings := .Values.queues -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$" $queue) -}}
{{- fail (printf "queues.%s: a queue name is letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters" $queue) -}}
{{- end -}}
{{- range $key, $value := $settings -}}
{{- $opts = append $opts (printf "-Dlevee.queues.%s.%s=%v" $queue $key $value) -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := .Values.extraConfig -}}
{{- $opts = append $opts (printf "-D%s=%v" $key $value) -}}
{{- end -}}
{{- join " " $opts -}}
{{- end -}}

{{- define "levee.container" -}}
- name: levee
  image: "{{ .root.Values.image.repository }}:{{ .root.Values.image.tag }}"
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  env:
    - name: LEVEE_ROLE
      value: {{ .role }}
    - name: LEVEE_AMQP_URI
      valueFrom:
        secretKeyRef:
          name: {{ include "levee.secretName" .root }}
          key: amqp-uri
    - name: LEVEE_WORKER_DRAIN_TIMEOUT
      value: "{{ .root.Values.worker.drainTimeoutSeconds }}s"
    - name: SERVER_PORT
      value: "{{ .root.Values.gateway.port }}"
    - name: JAVA_TOOL_OPTIONS
      value: {{ include "levee.javaOptions" .root | quote }}
  ports:
    - name: http
      containerPort: {{ .root.Values.gateway.port }}
  readinessProbe:
    httpGet: {path: /health/ready, port: http}
    periodSeconds: 5
    failureThreshold: 2
  livenessProbe:
    httpGet: {path: /health/live, port: http}
    initialDelaySeconds: 20
    periodSeconds: 10
  resources:
    {{- toYaml .resources | nindent 4 }}
{{- end -}}
