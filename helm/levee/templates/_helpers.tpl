{{- define "levee.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "levee.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector of one role's pods: (dict "root" . "role" "gateway") */}}
{{- define "levee.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "levee.secretName" -}}
{{- if .Values.amqp.existingSecret -}}
{{- .Values.amqp.existingSecret -}}
{{- else -}}
{{- printf "%s-amqp" (include "levee.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "levee.secretKey" -}}
{{- if .Values.amqp.existingSecret -}}{{ .Values.amqp.existingSecretKey }}{{- else -}}amqp-uri{{- end -}}
{{- end -}}

{{- define "levee.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Queue and extra settings as -D system properties: MicroProfile Config enumerates queues by their dotted names,
     which environment variables cannot provide. Never secrets (see values.yaml). The role's javaOptions come after
     the global ones (the JVM takes the last of a repeated flag); the role's extraConfig is merged over the global
     one (the role's value wins). (dict "root" . "role" "gateway") */}}
{{- define "levee.javaOptions" -}}
{{- $v := .root.Values -}}
{{- $r := index $v .role -}}
{{- $opts := list -}}
{{- range list $v.javaOptions $r.javaOptions "-Djava.io.tmpdir=/tmp" -}}
{{- if . -}}
{{- $opts = append $opts . -}}
{{- end -}}
{{- end -}}
{{- range $queue, $settings := $v.queues -}}
{{- if not (regexMatch "^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$" $queue) -}}
{{- fail (printf "queues.%s: a queue name is letters, digits, '-' and '_', starting with a letter or digit, at most 100 characters" $queue) -}}
{{- end -}}
{{- range $key, $value := $settings -}}
{{- $opts = append $opts (printf "-Dlevee.queues.%s.%s=%v" $queue $key $value) -}}
{{- end -}}
{{- end -}}
{{- $config := dict -}}
{{- range $settings := list $v.extraConfig $r.extraConfig -}}
{{- range $key, $value := $settings -}}
{{- $_ := set $config $key $value -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $config -}}
{{- $opts = append $opts (printf "-D%s=%v" $key $value) -}}
{{- end -}}
{{- join " " $opts -}}
{{- end -}}

{{/* A list of the global entries, then the role's, where a role entry replaces a global one with the same value of
     `key` (secretEnv by name, secretFiles by mountPath): (dict "global" list "role" list "key" "name") */}}
{{- define "levee.roleList" -}}
{{- $key := .key -}}
{{- $taken := dict -}}
{{- range .role -}}
{{- $_ := set $taken (index . $key) true -}}
{{- end -}}
{{- $out := list -}}
{{- range .global -}}
{{- if not (hasKey $taken (index . $key)) -}}
{{- $out = append $out . -}}
{{- end -}}
{{- end -}}
{{- toJson (dict "items" (concat $out (default (list) .role))) -}}
{{- end -}}

{{/* The pod spec of one role: (dict "root" . "role" "gateway" "resources" ... "grace" N) */}}
{{- define "levee.podSpec" -}}
{{- $v := .root.Values -}}
{{- $r := index $v .role -}}
{{- $secretEnv := (include "levee.roleList" (dict "global" $v.secretEnv "role" $r.secretEnv "key" "name") | fromJson).items -}}
{{- $secretFiles := (include "levee.roleList" (dict "global" $v.secretFiles "role" $r.secretFiles "key" "mountPath") | fromJson).items -}}
automountServiceAccountToken: false
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- if .grace }}
# Longer than the drain timeout, so in-flight tasks finish before the kubelet kills the JVM.
terminationGracePeriodSeconds: {{ .grace }}
{{- end }}
{{- if $v.podAntiAffinity }}
affinity:
  podAntiAffinity:
    {{- if eq $v.podAntiAffinity "hard" }}
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "levee.selector" . | nindent 12 }}
    {{- else }}
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "levee.selector" . | nindent 14 }}
    {{- end }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: levee
    image: {{ include "levee.image" .root | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    securityContext:
      {{- toYaml $v.securityContext | nindent 6 }}
    env:
      - name: LEVEE_ROLE
        value: {{ .role }}
      - name: LEVEE_AMQP_URI
        valueFrom:
          secretKeyRef:
            name: {{ include "levee.secretName" .root }}
            key: {{ include "levee.secretKey" .root }}
      - name: LEVEE_WORKER_DRAIN_TIMEOUT
        value: "{{ $v.worker.drainTimeoutSeconds }}s"
      - name: SERVER_PORT
        value: "{{ $v.gateway.port }}"
      - name: LEVEE_AUTH_ENABLED
        value: {{ $v.auth.enabled | quote }}
      {{- if $v.auth.openMetrics }}
      - name: LEVEE_AUTH_OPEN_METRICS
        value: "true"
      {{- end }}
      {{- if $v.auth.apiKeys.existingSecret }}
      - name: LEVEE_AUTH_API_KEYS_FILE
        value: /etc/levee/api-keys/{{ $v.auth.apiKeys.key }}
      {{- end }}
      {{- if $v.auth.jwt.publicKeySecret }}
      - name: MP_JWT_VERIFY_PUBLICKEY_LOCATION
        value: file:/etc/levee/jwt/{{ $v.auth.jwt.publicKeyKey }}
      {{- end }}
      {{- with $v.auth.jwt.issuer }}
      - name: MP_JWT_VERIFY_ISSUER
        value: {{ . | quote }}
      {{- end }}
      {{- with $v.auth.jwt.audiences }}
      - name: MP_JWT_VERIFY_AUDIENCES
        value: {{ . | quote }}
      {{- end }}
      {{- if $v.redis.existingSecret }}
      - name: LEVEE_IDEMPOTENCY_REDIS_URI
        valueFrom:
          secretKeyRef:
            name: {{ $v.redis.existingSecret }}
            key: {{ $v.redis.key }}
      {{- end }}
      {{- with $v.amqp.tls }}
      {{- if .existingSecret }}
      - name: LEVEE_AMQP_TLS_TRUST_STORE
        value: /etc/levee/amqp-tls/{{ .trustStoreKey }}
      {{- if .trustStorePasswordKey }}
      - name: LEVEE_AMQP_TLS_TRUST_STORE_PASSWORD
        valueFrom:
          secretKeyRef:
            name: {{ .existingSecret }}
            key: {{ .trustStorePasswordKey }}
      {{- end }}
      {{- if .keyStoreKey }}
      - name: LEVEE_AMQP_TLS_KEY_STORE
        value: /etc/levee/amqp-tls/{{ .keyStoreKey }}
      {{- end }}
      {{- if .keyStorePasswordKey }}
      - name: LEVEE_AMQP_TLS_KEY_STORE_PASSWORD
        valueFrom:
          secretKeyRef:
            name: {{ .existingSecret }}
            key: {{ .keyStorePasswordKey }}
      {{- end }}
      {{- end }}
      {{- end }}
      {{- range $secretEnv }}
      - name: {{ .name }}
        valueFrom:
          secretKeyRef:
            name: {{ .secret }}
            key: {{ .key }}
      {{- end }}
      - name: JAVA_TOOL_OPTIONS
        value: {{ include "levee.javaOptions" . | quote }}
    ports:
      - name: http
        containerPort: {{ $v.gateway.port }}
    startupProbe:
      httpGet: {path: /health/started, port: http}
      periodSeconds: {{ $v.startupProbe.periodSeconds }}
      failureThreshold: {{ $v.startupProbe.failureThreshold }}
    readinessProbe:
      httpGet: {path: /health/ready, port: http}
      periodSeconds: 5
      failureThreshold: 2
    livenessProbe:
      httpGet: {path: /health/live, port: http}
      periodSeconds: 10
      failureThreshold: 3
    resources:
      {{- toYaml .resources | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      {{- if $v.auth.apiKeys.existingSecret }}
      - name: api-keys
        mountPath: /etc/levee/api-keys
        readOnly: true
      {{- end }}
      {{- if $v.auth.jwt.publicKeySecret }}
      - name: jwt
        mountPath: /etc/levee/jwt
        readOnly: true
      {{- end }}
      {{- if $v.amqp.tls.existingSecret }}
      - name: amqp-tls
        mountPath: /etc/levee/amqp-tls
        readOnly: true
      {{- end }}
      {{- range $i, $f := $secretFiles }}
      - name: secret-file-{{ $i }}
        mountPath: {{ $f.mountPath }}
        readOnly: true
      {{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ $v.tmpSizeLimit }}
  {{- if $v.auth.apiKeys.existingSecret }}
  - name: api-keys
    secret:
      secretName: {{ $v.auth.apiKeys.existingSecret }}
      defaultMode: 0440
  {{- end }}
  {{- if $v.auth.jwt.publicKeySecret }}
  - name: jwt
    secret:
      secretName: {{ $v.auth.jwt.publicKeySecret }}
      defaultMode: 0440
  {{- end }}
  {{- if $v.amqp.tls.existingSecret }}
  - name: amqp-tls
    secret:
      secretName: {{ $v.amqp.tls.existingSecret }}
      defaultMode: 0440
  {{- end }}
  {{- range $i, $f := $secretFiles }}
  - name: secret-file-{{ $i }}
    secret:
      secretName: {{ $f.secret }}
      defaultMode: 0440
  {{- end }}
{{- end -}}
