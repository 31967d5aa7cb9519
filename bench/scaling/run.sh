#!/usr/bin/env bash
# Consumer scaling benchmark: Levee with a 5 ms handler at concurrency 1, 4 and 8 (target >= 0.9x linear).
#   bench/scaling/run.sh           ~10 s of work per step
#   bench/scaling/run.sh --smoke   ~2 s per step
# Talks to RabbitMQ at 127.0.0.1:5672 only, bounded in time, serialised through /tmp/levee-bench.lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
exec flock /tmp/levee-bench.lock timeout 600 java -Dlevee.root=. -cp "target/libs/*" bench/Bench.java scaling "$@"
