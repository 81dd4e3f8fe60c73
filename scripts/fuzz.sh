#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) and run them.
# See tests/fuzz/README.md.
#
# Usage: scripts/fuzz.sh [options] [TARGET...] [-- LIBFUZZER_ARGS...]
#   TARGET       record, record_json, metadata, sha256file, swift_listing, dsmc_output, decompress,
#                cloudsyaml, cinderjson, keystonetoken, calendar, keytext
#                (default: all of them)
#   --time S     seconds per target (default 600)
#   --jobs N     targets run side by side (default: number of cores)
#   --tree DIR   the fuzz build tree (default ROOT/build-fuzz; configured when new)
#   --work DIR   where the growing corpora and the crashes live (default TREE/fuzz-work):
#                DIR/TARGET/corpus (seeded from tests/fuzz/corpus/TARGET) and
#                DIR/TARGET/crashes (crash-*, leak-*, timeout-*, oom-* inputs)
#   --ci         CI mode: every run starts from a fresh copy of the seeds in a temporary
#                directory, and the script fails if any target crashes, leaks or hangs
#   --no-build   use the targets already built
# After `--`, arguments go to every libFuzzer run (e.g. -fork=4 -ignore_crashes=1).
# Knobs: EMBER_BUILD_LOCK=FILE (build under `flock FILE`), CC/CXX (default clang/clang++).
# Exit status: 0 when no target found anything, 1 otherwise (or when the build failed).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_TARGET=600
JOBS=$(nproc)
TREE=$ROOT/build-fuzz
WORK=
CI=0
BUILD=1
TARGETS=()
EXTRA=()
while [ $# -gt 0 ]; do
  case $1 in
    --time) SECONDS_PER_TARGET=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --tree) TREE=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --ci) CI=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
WORK=${WORK:-$TREE/fuzz-work}

build() {
  local lock=()
  [ -n "${EMBER_BUILD_LOCK:-}" ] && lock=(flock "$EMBER_BUILD_LOCK")
  if [ ! -f "$TREE/CMakeCache.txt" ]; then
    # Only the parsers and the fuzz targets get built; the backends are left out of the
    # configuration so that it needs none of their libraries. -O1 as the ASan tree.
    CC=${CC:-clang} CXX=${CXX:-clang++} cmake -S "$ROOT" -B "$TREE" -G Ninja \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DEMBER_FUZZ=ON \
      -DEMBER_WITH_GUI=OFF -DEMBER_BUILD_TESTS=OFF \
      -DEMBER_WITH_SWIFT=OFF -DEMBER_WITH_CEPH=OFF -DEMBER_WITH_TSM=OFF || return 1
  fi
  "${lock[@]}" cmake --build "$TREE" -j "$(nproc)" --target ember_fuzzers
}

if [ $BUILD = 1 ]; then
  build || { echo "fuzz.sh: the fuzz targets did not build" >&2; exit 1; }
fi
if [ ${#TARGETS[@]} = 0 ]; then
  mapfile -t TARGETS < "$TREE/tests/fuzz/targets.txt" || exit 1
fi

# UBSan stops at the first finding (the targets are built with -fno-sanitize-recover);
# leaks count as findings too.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $CI = 1 ]; then
  RUNS=$(mktemp -d "$TREE/fuzz-ci.XXXXXX") || exit 1
else
  RUNS=$WORK
fi

run_target() { # target: one libFuzzer run; its output goes to RUNS/target/log
  local target=$1 dir=$RUNS/$1 binary=$TREE/tests/fuzz/fuzz_$1 dict=$ROOT/tests/fuzz/$1.dict
  local args=()
  mkdir -p "$dir/corpus" "$dir/crashes"
  cp -n "$ROOT/tests/fuzz/corpus/$target"/* "$dir/corpus/" 2>/dev/null
  [ -f "$dict" ] && args+=("-dict=$dict")
  # -timeout: an input that takes 10 s is a hang; every seed runs first, so a seed
  # kept from an earlier finding fails again at once until the code is fixed.
  "$binary" -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=1024 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$dir/crashes/" "${args[@]}" "${EXTRA[@]}" \
    "$dir/corpus" >"$dir/log" 2>&1
}

T0=$SECONDS
declare -A PIDS=()
for target in "${TARGETS[@]}"; do
  if [ ! -x "$TREE/tests/fuzz/fuzz_$target" ]; then
    echo "fuzz.sh: no target $target in $TREE/tests/fuzz" >&2
    exit 2
  fi
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  echo "fuzz.sh: $target for ${SECONDS_PER_TARGET}s"
  run_target "$target" &
  PIDS[$target]=$!
done

FOUND=0
for target in "${TARGETS[@]}"; do
  wait "${PIDS[$target]}"
  rc=$?
  dir=$RUNS/$target
  stats=$(grep -E '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}')
  mapfile -t findings < <(find "$dir/crashes" -type f 2>/dev/null | sort)
  if [ $rc = 0 ] && [ ${#findings[@]} = 0 ]; then
    printf 'fuzz.sh: %-14s ok (%s inputs, corpus %s files)\n' "$target" "${stats:-?}" \
      "$(find "$dir/corpus" -type f | wc -l)"
    continue
  fi
  FOUND=1
  printf 'fuzz.sh: %-14s FOUND SOMETHING (libFuzzer rc %d); log %s\n' "$target" $rc "$dir/log"
  # The report: sanitizer or property message and the stack, then each input.
  grep -E -A40 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|property violated|ALARM: working on the last Unit' \
    "$dir/log" | head -60
  for input in "${findings[@]}"; do
    echo "  input: $input ($(stat -c %s "$input") bytes), base64:"
    head -c 4096 "$input" | base64 | sed 's/^/    /'
  done
done
printf 'fuzz.sh: %d target(s) in %ds\n' ${#TARGETS[@]} $((SECONDS - T0))
if [ $CI = 1 ] && [ $FOUND = 0 ]; then
  rm -rf "$RUNS"
else
  echo "fuzz.sh: corpora, logs and findings in $RUNS"
fi
exit $FOUND
