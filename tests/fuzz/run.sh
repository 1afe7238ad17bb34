#!/usr/bin/env bash
# Runs fuzz targets one after another, each for SECONDS, from its seed corpus
# (tests/fuzz/corpus/<target>/) and its dictionary (tests/fuzz/<target>.dict) when there is one.
#   tests/fuzz/run.sh SECONDS TARGET...      (targets as in build/fuzz/fuzz_<target>)
# Inputs a run finds go to build/fuzz/found/<target>/ (not committed); an input that crashes,
# leaks, hangs or breaks a target's checks is saved under build/fuzz/crashes/<target>/ and
# fails the target. Ends with "N passed, N failed"; exits 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=$1
shift
passed=0
failed=0
for t in "$@"; do
  bin=build/fuzz/fuzz_$t
  found=build/fuzz/found/$t
  crashes=build/fuzz/crashes/$t/
  log=build/fuzz/$t.log
  mkdir -p "$found" "$crashes"
  opts=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$crashes")
  if [ -f "tests/fuzz/$t.dict" ]; then opts+=(-dict="tests/fuzz/$t.dict"); fi
  if "$bin" "${opts[@]}" "$found" "tests/fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "ok   $t: ${runs:-?} inputs in ${seconds} s"
    passed=$((passed + 1))
  else
    echo "FAIL $t (log: $log):"
    grep -E '^(fuzz: |==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -20 | sed 's/^/     /'
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
