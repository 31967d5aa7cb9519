#!/usr/bin/env bash
# Fault harness: real Levee processes (a gateway and a worker, java -jar's class path plus a recording handler), a
# bounded burst of HTTP submissions, one injected fault per scenario, and full accounting of every task (handled
# task ids are recorded in PostgreSQL). Results: docs/reliability.md.
#   bench/faults/run.sh [SCENARIOS] [--ci]
#     SCENARIOS  comma-separated, default 3,4,5:
#                1 broker connections cut by a TCP proxy        2 broker stop_app/start_app (own node)
#                3 worker kill -9 mid-drain, restarted          4 gateway kill -9 mid-burst, restarted
#                5 queue full while retries wait and handlers return tasks (own node)
#                6 memory alarm (own node)                      7 a node of a 3-node cluster killed (own nodes)
#     --ci       reduced bursts (1,000 tasks each) and drain bounds (40 s): scenarios 3,4,5 in about 3 minutes
# Exits 1 when any accepted (202) task was lost: never handled and not waiting in faults or faults.retry.1s at the end
# (what a lost task's row reports besides, and the files under target/faults: docs/reliability.md).
# Needs RabbitMQ at 127.0.0.1:5672 (rabbitmqctl on this host), PostgreSQL at 127.0.0.1:5432 (LEVEE_FAULTS_JDBC).
# Ports: LEVEE_FAULTS_PORT (18110: gateway, +1 worker, +10 proxy); own nodes rel<n>@localhost listen on
# LEVEE_FAULTS_NODE_PORT+n (5680+n) and LEVEE_FAULTS_NODE_DIST_PORT+n (25680+n).
# Runs in a virtual host made for the run (LEVEE_FAULTS_VHOST to use an existing one).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
pg_jar=$(ls ~/.m2/repository/org/postgresql/postgresql/*/postgresql-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1 || true)
if [ -z "$pg_jar" ]; then
  mvn -q -B dependency:get -Dartifact=org.postgresql:postgresql:42.7.13 >/dev/null
  pg_jar=~/.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar
fi
jdbc="${LEVEE_FAULTS_JDBC:-jdbc:postgresql://127.0.0.1:5432/levee_rel?user=postgres}"

# The recording handler, compiled against the jar being tested.
rm -rf target/faults/handler && mkdir -p target/faults/handler/META-INF
javac -q -d target/faults/handler -cp "target/levee.jar:target/libs/*" -proc:none \
  bench/faults/handler/levee/faults/RecordingHandler.java 2>/dev/null \
  || javac -d target/faults/handler -cp "target/levee.jar:target/libs/*" -proc:none bench/faults/handler/levee/faults/RecordingHandler.java
cp bench/faults/handler/META-INF/beans.xml target/faults/handler/META-INF/

vhost="${LEVEE_FAULTS_VHOST:-}"
if [ -z "$vhost" ]; then
  vhost="levee-faults-$$"
  rabbitmqctl -q add_vhost "$vhost" >/dev/null && rabbitmqctl -q set_permissions -p "$vhost" guest '.*' '.*' '.*' >/dev/null
  trap 'rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true' EXIT
fi

args=("$@")
[ ${#args[@]} -gt 0 ] && [ "${args[0]#--}" = "${args[0]}" ] || args=(3,4,5 "${args[@]}")
timeout 900 nice java -Dlevee.root=. -Dfaults.vhost="$vhost" -Dfaults.jdbc="$jdbc" -Dfaults.pg.jar="$pg_jar" \
  -Dfaults.port="${LEVEE_FAULTS_PORT:-18110}" -Dfaults.node-port="${LEVEE_FAULTS_NODE_PORT:-5680}" \
  -Dfaults.node-dist-port="${LEVEE_FAULTS_NODE_DIST_PORT:-25680}" \
  -cp "target/libs/*:$pg_jar" bench/faults/Faults.java "${args[@]}"
