#!/usr/bin/env bash
# Drain benchmark: Levee (no-op handler) vs RabbitMQ PerfTest 2.22.1 consuming a pre-filled quorum queue, same run.
#   bench/drain/run.sh           3 interleaved rounds of 150,000 1 KB tasks, plus Levee with one ack per task
#   bench/drain/run.sh --smoke   one round of 30,000 (~10 s); prints "drain ratio: X.XX" for a CI gate
# Installs what it needs (Levee's jar, PerfTest via Maven), talks to RabbitMQ at 127.0.0.1:5672 only, and is bounded
# in time. Serialised with other benchmarks through /tmp/levee-bench.lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
[ -d bench/perftest/target/lib ] || mvn -q -B -f bench/perftest/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
exec flock /tmp/levee-bench.lock timeout 900 java -Dlevee.root=. -cp "target/libs/*" bench/Bench.java drain "$@"
