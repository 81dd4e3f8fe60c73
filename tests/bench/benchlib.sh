# shellcheck shell=bash
# benchlib.sh - what run-bench.sh, run-bench-swift.sh and run-bench-rbd.sh share:
# logging, the work dir and its results file, the test volume, timing a command under
# /usr/bin/time, and the test services. Sourced, never run. The sourcing script sets
# BENCH_TAG (its log tag) before sourcing, and W (its work dir) and SIZE_MIB before
# calling the helpers. Sourcing sets HERE (tests/bench), ROOT (the checkout) and PY.
: "${BENCH_TAG:?set by the script that sources benchlib.sh}"

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3 # Debian's python: the one with python3-cinder, python3-swiftclient, python3-rbd
UUID_RE='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

log() { printf '[%s %s] %s\n' "$BENCH_TAG" "$(date +%T)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# a fresh, empty W with an empty results file RESULTS (one tab-separated row per
# measurement, see record); starts the clock T0 (see finish)
new_work_dir() {
  rm -rf "$W"
  mkdir -p "$W"
  RESULTS=$W/results.tsv
  : >"$RESULTS"
  T0=$SECONDS
}

finish() { log "done in $((SECONDS - T0)) s"; }

# make_volume MESSAGE: W/base.img, SIZE_MIB of tests/bench/volume.py's mix; sets SIZE_BYTES
make_volume() {
  log "$1"
  "$PY" "$HERE/volume.py" make "$W/base.img" "$SIZE_MIB"
  # shellcheck disable=SC2034 # for the sourcing script
  SIZE_BYTES=$(stat -c %s "$W/base.img")
}

# start_service ceph|swift DIR WHAT: a test service (tests/services) in DIR; its KEY=VALUE
# facts in W/SERVICE.env, its start-up log in W/SERVICE-start.log
start_service() {
  log "starting $3 in $2"
  bash "$ROOT/tests/services/$1.sh" start "$2" >"$W/$1.env" 2>"$W/$1-start.log" ||
    { cat "$W/$1-start.log" >&2; die "$3 did not start"; }
}
stop_service() { bash "$ROOT/tests/services/$1.sh" stop "$2" >/dev/null 2>&1 || true; } # ceph|swift DIR

# timed CMD...: runs it under /usr/bin/time; sets ELAPSED (s) and PEAK_KB; stdout to $W/out.json
timed() {
  # The previous step's dirty pages (a 1 GiB restore, the volume just copied) are written
  # back first, so that their writeback is not timed as part of this step, for every tool
  # alike. Clean pages stay: the page cache remains warm.
  sync
  /usr/bin/time -f '%e %M' -o "$W/time.txt" "$@" >"$W/out.json" 2>"$W/err.txt" || {
    cat "$W/err.txt" >&2
    die "failed: $*"
  }
  # shellcheck disable=SC2034 # for the sourcing script
  read -r ELAPSED PEAK_KB <"$W/time.txt"
}

json_field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$W/out.json" "$1"; }
first_id() { grep -oE "$UUID_RE" "$W/out.json" | head -1; } # the first UUID in $W/out.json

# record FIELD... SECONDS PEAK_KB: a row of RESULTS (the fields name the measurement)
record() {
  local secs=${*: -2:1} kb=${*: -1} row
  row=$(printf '%s\t' "$@")
  printf '%s\n' "${row%$'\t'}" >>"$RESULTS"
  log "${*:1:$#-2}: ${secs}s, peak RSS $((kb / 1024)) MiB"
}
