#!/usr/bin/env bash
# Lateness of delayed tasks (median, p99, max) for delays of 1 s to 1 h: Levee as a gateway accepts 40 tasks per delay
# (each delay plus a random 0-999 ms), a plain consumer records when the delay ladder releases each into the queue.
#   bench/delay/run.sh           delays 1 s, 5 s, 30 s, 1 m, 5 m, 10 m, 1 h (about 62 min)
#   bench/delay/run.sh --smoke   delays 1 s, 5 s, 30 s, 20 tasks each (about 3 min)
# Light on CPU and mostly waiting, so it does not take the benchmark lock. LEVEE_BENCH_AMQP_URI and LEVEE_BENCH_PORT
# as for bench/drain/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
exec timeout 4500 java -Dlevee.root=. -cp "target/libs/*" bench/Bench.java delay "$@"
