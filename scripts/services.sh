# Shared by ./levee and .ci/run: find Java 25 and make sure the services Levee needs answer.
# Sourced, not executed.

levee_java() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
    return 0
  fi
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "levee: Java 25 is required; set JAVA_HOME to a JDK 25 (for example Temurin 25)." >&2
  return 1
}

# levee_port_open HOST PORT: true when something accepts TCP connections there.
levee_port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# levee_wait_port NAME HOST PORT SECONDS: wait with a deadline, fail loudly.
levee_wait_port() {
  local deadline=$((SECONDS + $4))
  until levee_port_open "$2" "$3"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "levee: $1 did not come up on $2:$3 within $4 s" >&2
      return 1
    fi
    sleep 1
  done
}

# levee_ensure_rabbitmq URI: the broker must answer; start a local rabbitmq-server if installed.
levee_ensure_rabbitmq() {
  local uri="${1:-amqp://guest:guest@127.0.0.1:5672}"
  local hostport="${uri#*://}"
  hostport="${hostport##*@}"
  hostport="${hostport%%/*}"
  local host="${hostport%%:*}"
  local port="5672"
  [ "$hostport" != "$host" ] && port="${hostport##*:}"
  if levee_port_open "$host" "$port"; then
    return 0
  fi
  case "$host" in
    127.0.0.1|localhost|::1) ;;
    *)
      echo "levee: no RabbitMQ answers at $host:$port (from LEVEE_AMQP_URI). Start it, or point LEVEE_AMQP_URI at a running broker." >&2
      return 1 ;;
  esac
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    echo "levee: no RabbitMQ answers at $host:$port and rabbitmq-server is not installed." >&2
    echo "       Install it (Debian/Ubuntu: apt-get install rabbitmq-server) or set LEVEE_AMQP_URI to a running broker." >&2
    echo "       Levee has no in-JVM broker: see docs/why-no-embedded-broker.md." >&2
    return 1
  fi
  echo "levee: starting rabbitmq-server ..." >&2
  rabbitmq-server -detached >/dev/null 2>&1 || true
  levee_wait_port RabbitMQ "$host" "$port" 90
}

# levee_ensure_postgres: the example service (examples/orders-service) stores orders in PostgreSQL at 127.0.0.1:5432.
levee_ensure_postgres() {
  if levee_port_open 127.0.0.1 5432; then
    return 0
  fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "levee: PostgreSQL is needed on 127.0.0.1:5432 by the example service and is not installed (apt-get install postgresql)." >&2
    return 1
  fi
  echo "levee: starting PostgreSQL ..." >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
  levee_wait_port PostgreSQL 127.0.0.1 5432 60
}

# levee_ensure_redis: the idempotency-store tests use Redis at 127.0.0.1:6379.
levee_ensure_redis() {
  if levee_port_open 127.0.0.1 6379; then
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "levee: Redis is needed on 127.0.0.1:6379 by the tests and redis-server is not installed (apt-get install redis-server)." >&2
    return 1
  fi
  echo "levee: starting redis-server ..." >&2
  mkdir -p /tmp/levee-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/levee-redis \
    --logfile /tmp/levee-redis/redis.log >/dev/null
  levee_wait_port Redis 127.0.0.1 6379 30
}
