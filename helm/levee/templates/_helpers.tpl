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
{{- if or (regexMatch "(?i)(password|secret|token|credential)" $key) (regexMatch "://[^/@]*:[^/@]*@" (toString $value)) -}}
{{- fail (printf "extraConfig.%s holds a secret; put it in secretConfig (extraConfig travels in JAVA_TOOL_OPTIONS, which the JVM prints at startup)" $key) -}}
{{- end -}}
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
    - name: LEVEE_AUTH_ENABLED
      value: {{ .root.Values.auth.enabled | quote }}
    - name: LEVEE_AUTH_OPEN_METRICS
      value: {{ .root.Values.auth.openMetrics | quote }}
    {{- if .root.Values.auth.apiKeysSecret }}
    - name: LEVEE_AUTH_API_KEYS_FILE
      value: /etc/levee/auth/api-keys
    {{- end }}
    {{- with .root.Values.auth.jwt }}
    {{- if .publicKeyLocation }}
    - name: MP_JWT_VERIFY_PUBLICKEY_LOCATION
      value: {{ .publicKeyLocation | quote }}
    - name: MP_JWT_VERIFY_ISSUER
      value: {{ .issuer | quote }}
    {{- if .audiences }}
    - name: MP_JWT_VERIFY_AUDIENCES
      value: {{ .audiences | quote }}
    {{- end }}
    {{- end }}
    {{- end }}
    {{- range $key, $value := .root.Values.secretConfig }}
    - name: {{ regexReplaceAll "[^A-Za-z0-9]" $key "_" | upper }}
      valueFrom:
        secretKeyRef:
          name: {{ include "levee.fullname" $.root }}-config
          key: {{ $key }}
    {{- end }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ include "levee.javaOptions" .root | quote }}
  {{- if .root.Values.auth.apiKeysSecret }}
  volumeMounts:
    - name: api-keys
      mountPath: /etc/levee/auth
      readOnly: true
  {{- end }}
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


{{/* The API key Secret as a volume: a Secret update reaches the mounted file, which Levee re-reads. */}}
{{- define "levee.volumes" -}}
{{- if .Values.auth.apiKeysSecret }}
volumes:
  - name: api-keys
    secret:
      secretName: {{ .Values.auth.apiKeysSecret }}
      items:
        - key: api-keys
          path: api-keys
{{- end }}
{{- end -}}
