#!/usr/bin/env bash
# run-tests.sh - the whole test suite as CI runs it, on a fresh Debian 12 machine:
#   1. install the dependencies (scripts/install-deps.sh)
#   2. build build-tests/ (RelWithDebInfo) and build-asan/ (ASan + UBSan, GUI on)
#   3. ctest on build-tests/ with every label (unit, engine, cli, gui, services, swift,
#      ceph, s3, tsm, interop, packaging, faults ...), then on build-asan/ with the labels
#      whose code reads untrusted bytes and keys (unit|engine|cli, without cloud: the
#      service, cloud and interop tests are slow and exercise daemons and Cinder's Python,
#      not our memory handling). The gui label is left out by default to keep a CI run
#      under 45 minutes on two cores (sanitizing the widgets doubles the sanitized build);
#      EMBER_ASAN_LABELS='^(unit|engine|cli|gui)$' puts it back.
#   4. build-fuzz/ (clang, libFuzzer + ASan + UBSan, the parsers only) and each fuzz
#      target of tests/fuzz for 15 s on a copy of its seed corpus (scripts/fuzz.sh --ci)
#   5. print a summary and the elapsed time; exit non-zero if any step failed.
# Usage: sudo bash scripts/run-tests.sh (root: the faults label mounts tmpfs and FUSE file systems)
# Knobs: EMBER_SKIP_DEPS=1 (packages already there), EMBER_SKIP_ASAN=1, EMBER_SKIP_FUZZ=1,
#        EMBER_FUZZ_SECONDS=N (per fuzz target, default 15), EMBER_ASAN_LABELS=REGEX (default
#        ^(unit|engine|cli)$),
#        EMBER_BUILD_PREFIX=DIR (trees DIR-tests, DIR-asan, DIR-fuzz; default ROOT/build),
#        EMBER_CTEST_JOBS=N (default: number of cores), EMBER_CTEST_ARGS="..." (extra ctest args)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${EMBER_BUILD_PREFIX:-$ROOT/build}
NORMAL=$PREFIX-tests
ASAN=$PREFIX-asan
FUZZ=$PREFIX-fuzz
JOBS=$(nproc)
CTEST_JOBS=${EMBER_CTEST_JOBS:-$JOBS}
FAST_LABELS=${EMBER_ASAN_LABELS:-'^(unit|engine|cli)$'}
T0=$SECONDS
declare -a SUMMARY=()
FAILED=0

step() { # name, command...: runs a step, records its result and duration
  local name=$1 t=$SECONDS rc
  shift
  printf '\n===== %s =====\n' "$name"
  "$@"
  rc=$?
  SUMMARY+=("$(printf '%-40s %-6s %5ds' "$name" "$([ $rc = 0 ] && echo ok || echo FAILED)" $((SECONDS - t)))")
  [ $rc = 0 ] || FAILED=1
  return $rc
}

# The test services' data dirs (see tests/services/CMakeLists.txt): stop whatever a
# killed ctest left running, so no daemon outlives the run.
stop_services() {
  local tree hash
  for tree in "$NORMAL" "$ASAN"; do
    hash=$(printf '%s' "$tree" | sha1sum | cut -c1-10)
    # Cinder and radosgw first: they use the Ceph cluster
    [ -d "/tmp/ember-cinder-$hash" ] && bash "$ROOT/tests/services/cinder.sh" stop "/tmp/ember-cinder-$hash" 2>/dev/null
    [ -d "/tmp/ember-rgw-$hash" ] && bash "$ROOT/tests/services/rgw.sh" stop "/tmp/ember-rgw-$hash" 2>/dev/null
    [ -d "/tmp/ember-ceph-$hash" ] && bash "$ROOT/tests/services/ceph.sh" stop "/tmp/ember-ceph-$hash" 2>/dev/null
    [ -d "$tree/services/swift-data" ] && bash "$ROOT/tests/services/swift.sh" stop "$tree/services/swift-data" 2>/dev/null
  done
  return 0
}
trap stop_services EXIT

configure_and_build() { # dir, cmake args...
  local dir=$1
  shift
  cmake -S "$ROOT" -B "$dir" -G Ninja "$@" && cmake --build "$dir" -j "$JOBS"
}

# The executables the tests selected by ctest's arguments run (fixtures included),
# so a tree that runs only some labels builds only what they need.
test_targets() { # dir, ctest args...
  local dir=$1 known
  shift
  # Ninja's target list ("name: phony"): only names in it are built.
  known=$(cmake --build "$dir" --target help | sed -n 's/^\([^ :]*\): phony$/\1/p')
  (cd "$dir" && ctest -N --show-only=json-v1 "$@") | python3 -c '
import json, os, sys
tree, known = sys.argv[1], set(sys.argv[2].split())
names = set()
for test in json.load(sys.stdin)["tests"]:
    # ember_add_qtest names a test after its executable; an unbuilt tree has no
    # command paths yet, so the name is what counts there.
    if test["name"] in known:
        names.add(test["name"])
    for part in test.get("command") or []:
        if part.startswith(tree + "/") and os.path.basename(part) in known:
            names.add(os.path.basename(part))
print(" ".join(sorted(names)))' "$dir" "$known"
}

configure_and_build_for() { # dir, "ctest args", cmake args...: builds ember-cli and what those tests run
  local dir=$1 selection=$2 targets
  shift 2
  cmake -S "$ROOT" -B "$dir" -G Ninja "$@" || return 1
  # shellcheck disable=SC2086
  targets=$(test_targets "$dir" $selection) || return 1
  [ -n "$targets" ] || { echo "no test executables selected by: $selection" >&2; return 1; }
  echo "building ember-cli and the tests' executables: $targets"
  # shellcheck disable=SC2046
  cmake --build "$dir" -j "$JOBS" --target ember-cli $(printf -- '--target %s ' $targets)
}

run_ctest() { # dir, ctest args...
  local dir=$1
  shift
  # no D-Bus session bus on purpose: like CI and headless servers; the keyring tests
  # start their own (dbus-run-session) when they need one
  # shellcheck disable=SC2086
  (cd "$dir" && ctest --output-on-failure --no-tests=error --output-junit ctest-junit.xml \
    -j "$CTEST_JOBS" "$@" ${EMBER_CTEST_ARGS:-})
}

if [ "${EMBER_SKIP_DEPS:-0}" != 1 ]; then
  step "install dependencies" bash "$ROOT/scripts/install-deps.sh" || { echo "cannot continue without packages" >&2; exit 1; }
fi

# -g1 (line tables and function names): enough for every stack trace a failing test
# or a sanitizer prints, and a quarter (-O2) to two fifths (ASan) less compile time than -g.
if step "build RelWithDebInfo (${NORMAL##*/})" configure_and_build "$NORMAL" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"; then
  step "ctest all labels (${NORMAL##*/})" run_ctest "$NORMAL"
fi

if [ "${EMBER_SKIP_ASAN:-0}" != 1 ]; then
  # -O1: sanitized tests hash and compress real volumes; -O0 would make them crawl
  # Only what the sanitized pass runs is built (the fast labels' tests and ember-cli).
  if step "build ASan+UBSan (${ASAN##*/})" configure_and_build_for "$ASAN" "-L $FAST_LABELS -LE ^cloud$" \
      -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DEMBER_SANITIZE=ON -DEMBER_WITH_GUI=ON; then
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
    export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/scripts/lsan.supp:print_suppressions=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    # -LE: tests that also carry a fast label but need the Cinder deployment (cloud) stay
    # in the first pass; under ASan they would start Ceph and Cinder a second time
    step "ctest $FAST_LABELS (${ASAN##*/})" run_ctest "$ASAN" -L "$FAST_LABELS" -LE '^cloud$'
  fi
fi

if [ "${EMBER_SKIP_FUZZ:-0}" != 1 ]; then
  # Builds only the parsers and their fuzz targets; fails on any crash, leak, hang or
  # violated property, printing the stack and the input (README: tests/fuzz/README.md)
  step "fuzz ${EMBER_FUZZ_SECONDS:-15}s per target (${FUZZ##*/})" \
    bash "$ROOT/scripts/fuzz.sh" --ci --tree "$FUZZ" --time "${EMBER_FUZZ_SECONDS:-15}"
fi

stop_services
ELAPSED=$((SECONDS - T0))
printf '\n===== summary =====\n'
printf '%s\n' "${SUMMARY[@]}"
printf 'elapsed: %dm%02ds\n' $((ELAPSED / 60)) $((ELAPSED % 60))
if [ $FAILED = 0 ]; then echo "RESULT: all steps passed"; else echo "RESULT: FAILED"; fi
exit $FAILED
