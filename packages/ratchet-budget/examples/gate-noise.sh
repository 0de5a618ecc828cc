#!/usr/bin/env bash
# The timing gate's noise on this machine (figures in docs/budgets.md).
# Usage: gate-noise.sh RATCHET_BIN [RUNS]
# Builds a workspace with one package of N generated items, records its build time as the
# ceiling, runs the gate RUNS times unchanged (none should fail), then grows the package to
# GROWN items (default 150: at least 30% slower to compile) and runs RUNS times again (all should
# fail).
# The recorded build costs claim a huge time, so every run goes through the re-measurement
# that decides a real failure.
set -euo pipefail
bin=$1; runs=${2:-10}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
gen() { # $1 = number of items
  for i in $(seq 1 "$1"); do
    echo "#[derive(Debug, Clone, PartialEq, PartialOrd, Default)] pub struct S$i<T> { a: T, b: Vec<T>, c: Option<String> }"
    echo "impl<T: Clone + std::fmt::Debug + PartialOrd> S$i<T> { pub fn f(&self, n: usize) -> String { let mut v = self.b.clone(); v.truncate(n); format!(\"{:?}{:?}{}\", v, self.c, n) } }"
    echo "pub fn g$i() -> String { S$i::<u64>::default().f($i) + &S$i::<String>::default().f(1) }"
  done
}
mkdir -p "$dir/heavy/src"
printf '[workspace]\nmembers = ["heavy"]\nresolver = "2"\n' > "$dir/Cargo.toml"
printf '[package]\nname = "heavy"\nversion = "0.1.0"\nedition = "2021"\n' > "$dir/heavy/Cargo.toml"
gen 100 > "$dir/heavy/src/lib.rs"
mkdir -p "$dir/target/ratchet"
printf '{"version":1,"recorded_at":1,"inner_loop_wall_ms":null,"packages":{"heavy":{"cpu_ms":10000000,"wall_ms":1,"artifact_bytes":1,"crates":[]}}}' \
  > "$dir/target/ratchet/build-costs.json"
cd "$dir"
printf '[budget]\n[budget.defaults]\nbuild-cpu = "1ms"\n[budget.tolerance]\nbuild-cpu = "0ms"\n' > ratchet.toml
first=$("$bin" ratchet gate --message-format json || true)
value=$(echo "$first" | grep '"build-cpu"' | sed 's/.*"value":\([0-9]*\).*/\1/')
calibration=$(echo "$first" | grep budget-summary | sed 's/.*"calibration_ms":\([0-9]*\).*/\1/')
echo "baseline: build-cpu ${value} ms, calibration ${calibration} ms"
printf '[budget]\ncalibration = "%sms"\n[budget.defaults]\nbuild-cpu = "%sms"\n' "$calibration" "$value" > ratchet.toml
trial() {
  local fails=0
  for _ in $(seq 1 "$runs"); do
    out=$("$bin" ratchet gate --message-format json) && code=0 || code=$?
    [ "$code" = 3 ] && fails=$((fails + 1))
    samples=$(echo "$out" | grep -o '"samples":\[[0-9,]*\]' || echo near/ok)
    value=$(echo "$out" | grep -o '"value":[0-9]*' | head -1 || true)
    echo "  exit $code $value $samples"
  done
  echo "$1: $fails of $runs runs failed"
}
trial unchanged
gen "${GROWN:-150}" > heavy/src/lib.rs
trial "${GROWN:-150} items instead of 100"
