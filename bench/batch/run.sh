#!/usr/bin/env bash
# Batch handler benchmark: a handler that inserts into PostgreSQL one row per call vs a batch handler that inserts up
# to 500 rows per call with one multi-row INSERT (bench/batch/src/bench/pg/PgHandlers.java), each on a pre-filled
# quorum queue of 1 KB tasks, 4 sessions, rounds interleaved; CPU per 1,000 tasks of Levee, the broker and PostgreSQL.
#   bench/batch/run.sh           3 rounds of 30,000 tasks per handler
#   bench/batch/run.sh --smoke   one round of 10,000
# PostgreSQL: BENCH_PG_URL (default jdbc:postgresql://127.0.0.1:5432/levee_jobs?user=postgres); the table
# bench_rows is created if missing and emptied before the run. LEVEE_BENCH_AMQP_URI and LEVEE_BENCH_PORT as for
# bench/drain/run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"
PG_URL="${BENCH_PG_URL:-jdbc:postgresql://127.0.0.1:5432/levee_jobs?user=postgres}"
[ -f target/levee.jar ] && [ -d target/libs ] || mvn -q -B -DskipTests package
DRIVER="$HOME/.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar"
[ -f "$DRIVER" ] || mvn -q -B dependency:get -Dartifact=org.postgresql:postgresql:42.7.13
OUT=bench/batch/target/classes
mkdir -p "$OUT/META-INF"
cp bench/batch/src/META-INF/beans.xml "$OUT/META-INF/"
javac -d "$OUT" -cp "target/levee.jar:target/libs/*" bench/batch/src/bench/pg/PgHandlers.java
psql_url="${PG_URL#jdbc:}"
psql "${psql_url%%\?*}" -U "${PGUSER:-postgres}" -q -c \
    "CREATE TABLE IF NOT EXISTS bench_rows(id bigserial PRIMARY KEY, body jsonb NOT NULL); TRUNCATE bench_rows"
exec flock /tmp/levee-bench.lock timeout 900 java -Dlevee.root=. -cp "target/libs/*" \
    -Dbench.batch.classpath="target/levee.jar:target/libs/*:$OUT:$DRIVER" -Dbench.pg.url="$PG_URL" \
    bench/Bench.java batch "$@"
