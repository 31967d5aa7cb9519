#!/usr/bin/env bash
# Peak-shaving benchmark: a burst of 20x a downstream's capacity, POSTed to Levee, reaches that downstream through
# the built-in HTTP delivery at no more than its configured rate, with no failed submission and no lost task.
#   bench/peak-shaving/run.sh           max-rate 50/s; wrk -c64 bursts for 3 s (must reach >= 1,000/s = 20x), then
#                                       the backlog drains (~100 s on a 2-core box)
#   bench/peak-shaving/run.sh --smoke   the same with a 1 s burst (~40 s in all)
# LEVEE_BENCH_RATE sets the downstream's max-rate (default 50/s).
# Levee on 127.0.0.1:18150, the stub downstream on 127.0.0.1:18151, RabbitMQ at 127.0.0.1:5672; bounded in time.
# Serialised with other benchmarks through /tmp/levee-bench.lock (flock -o: the Levee it starts does not hold it).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -z "${LEVEE_BENCH_LOCKED:-}" ]; then
  LEVEE_BENCH_LOCKED=1 exec flock -o /tmp/levee-bench.lock "$0" "$@"
fi
. scripts/services.sh
levee_java
export PATH="$JAVA_HOME/bin:$PATH"
levee_ensure_rabbitmq "amqp://guest:guest@127.0.0.1:5672"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
exec timeout 600 java -Dlevee.root=. -Dlevee.bench.rate="${LEVEE_BENCH_RATE:-50}" -cp "target/libs/*" bench/peak-shaving/PeakShaving.java "$@"
