#!/usr/bin/env bash
# Prints the CI summary from the build's reports: tests, coverage, static analysis, benchmark ratios.
# Usage: scripts/ci-summary.sh BUILD_RC [RATIO_LINE ...]
set -u
cd "$(dirname "$0")/.."
build_rc="$1"; shift

sum_attr() { # sum attribute $2 over the testsuite elements of files matching $1
  cat $1 2>/dev/null | grep -o "<testsuite [^>]*" | grep -o " $2=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'
}
unit_run=$(sum_attr 'target/surefire-reports/TEST-*.xml' tests)
unit_bad=$(( $(sum_attr 'target/surefire-reports/TEST-*.xml' failures) + $(sum_attr 'target/surefire-reports/TEST-*.xml' errors) ))
it_run=$(sum_attr 'target/failsafe-reports/TEST-*.xml' tests)
it_bad=$(( $(sum_attr 'target/failsafe-reports/TEST-*.xml' failures) + $(sum_attr 'target/failsafe-reports/TEST-*.xml' errors) ))

coverage="n/a"
if [ -f target/site/jacoco/jacoco.csv ]; then
  coverage=$(awk -F, 'NR>1 {m+=$8; c+=$9} END {if (m+c>0) printf "%.1f%%", 100*c/(m+c)}' target/site/jacoco/jacoco.csv)
fi
findings="0 (Error Prone runs with -Werror: any finding fails compilation)"
if grep -q "warnings found and -Werror specified" target/ci-build.log 2>/dev/null; then
  findings="$(grep -c '\[WARNING\] .*\.java:\[' target/ci-build.log) (build failed on them)"
fi

echo
echo "================ Levee CI summary ================"
echo "build:            $([ "$build_rc" = 0 ] && echo passed || echo "FAILED (exit $build_rc)")"
echo "unit tests:       $unit_run run, $unit_bad failed"
echo "integration:      $it_run run, $it_bad failed"
echo "line coverage:    $coverage (gate: pom.xml coverage.minimum)"
echo "static analysis:  $findings"
for line in "$@"; do
  echo "benchmark smoke:  $line"
done
echo "$((unit_run + it_run - unit_bad - it_bad)) passed, $((unit_bad + it_bad)) failed"
