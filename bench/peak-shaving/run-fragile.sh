#!/usr/bin/env bash
# Fragile-backend benchmark: adaptive delivery, circuit and the shared Redis budget against a backend that slows down
# and then answers 503 above its capacity (bench/peak-shaving/Fragile.java describes the phases).
#   bench/peak-shaving/run-fragile.sh                  all phases (~8 min on a 2-core box)
#   bench/peak-shaving/run-fragile.sh direct levee     only those phases (direct, levee, replicas, sync)
# LEVEE_BENCH_CAPACITY sets the backend's capacity N (default 50/s); LEVEE_BENCH_AMQP_URI the broker (default the
# levee-adp virtual host), LEVEE_BENCH_REDIS_URI the Redis of the shared budget (default db 14).
# Ports 18410-18420 on 127.0.0.1 (LEVEE_BENCH_JAVA_OPTS=-Dlevee.bench.port=<first> for others; -Dlevee.bench.jar=
# and -Dlevee.bench.baseline-jar= compare two builds in the replicas phase: see Fragile.java); bounded in time; serialised with other benchmarks through /tmp/levee-bench.lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${LEVEE_BENCH_LOCKED:-}" ]; then
  LEVEE_BENCH_LOCKED=1 exec flock -o /tmp/levee-bench.lock "$0" "$@"
fi
. scripts/services.sh
levee_java
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
exec timeout 1200 nice java ${LEVEE_BENCH_JAVA_OPTS:-} -Dlevee.root=. -Dlevee.bench.capacity="${LEVEE_BENCH_CAPACITY:-50}" -cp "target/libs/*" \
  bench/peak-shaving/Fragile.java "$@"
