#!/usr/bin/env bash
# A short run of each cargo-fuzz target (FUZZ_SECONDS each, default 20), as part of
# `make test`. cargo-fuzz needs nightly flags; RUSTC_BOOTSTRAP lets the stable toolchain
# accept them, since this machine has no other toolchain. Prints the executions per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
export RUSTC_BOOTSTRAP=1
status=0
for target in parse_response request_builders; do
  mkdir -p "fuzz/corpus/$target"
  # Work on a copy of the seeds so the checked-in corpus does not grow with every run.
  work="$(mktemp -d)"
  cp -r "fuzz/corpus/$target/." "$work/"
  log="$(mktemp)"
  if cargo fuzz run --fuzz-dir fuzz "$target" "$work" -- \
      -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1; then
    runs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)"
    echo "fuzz $target: ${runs:-?} executions in ${seconds}s, no crash"
  else
    echo "fuzz $target: FAILED"; tail -40 "$log"; status=1
  fi
  rm -rf "$work" "$log"
done
exit $status
