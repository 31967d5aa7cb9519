#!/usr/bin/env bash
# Duplicate suppression cost on the drain benchmark: Levee's no-op drain without deduplication, with it in memory and
# with it in Redis, rounds interleaved, CPU per 1,000 tasks of Levee, the broker and Redis.
#   bench/dedup/run.sh           3 rounds of 100,000 1 KB tasks per variant
#   bench/dedup/run.sh --smoke   one round of 30,000
# LEVEE_BENCH_AMQP_URI (default amqp://guest:guest@127.0.0.1:5672), LEVEE_BENCH_PORT (18101) and
# LEVEE_BENCH_REDIS_URI (redis://127.0.0.1:6379/5) choose the broker's virtual host, Levee's port and Redis;
# LEVEE_BENCH_COMPARE_JAR=/path/levee.jar (beside its libs/) adds the Redis variant run from that build.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
exec flock /tmp/levee-bench.lock timeout 900 java -Dlevee.root=. -cp "target/libs/*" bench/Bench.java dedup "$@"
