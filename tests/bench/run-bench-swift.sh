#!/usr/bin/env bash
# run-bench-swift.sh - Ember vs Cinder's real SwiftBackupDriver (tests/interop/cinder_swift.py,
# single_user, v1 auth) on the same realistic volume, in the same run, against one real
# Swift that this script starts and stops itself (tests/services/swift.sh). Builds nothing.
#
# Usage: bash tests/bench/run-bench-swift.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli and
#              tests/interop/ember-test-add-swift-backend)
#   SIZE_MIB   volume size, default 256 (a third zeros, a third ext4 with /usr/share
#              files, a third random: tests/bench/volume.py)
# Per compression (BENCH_COMPRESSIONS, default "zlib none") and per tool, into a fresh
# container with Cinder's Swift defaults (52428800-byte objects, 32 KiB SHA blocks):
#   full backup, unchanged incremental, then a restore of the newest backup (the chain),
#   byte-compared; then the backups are deleted.
# Prints seconds, MB/s (volume MB / s), peak RSS and the Ember/Cinder speed ratio
# (Ember MB/s / Cinder MB/s: above 1 means Ember is faster) and RSS ratio. Cinder's
# seconds are its driver call only (the "(process)" rows add its Python start-up): a
# cinder-backup service is long-running. Both tools talk to the same proxy on 127.0.0.1.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench-swift; needs ~6x SIZE free on a
#        file system with user xattrs), BENCH_COMPRESSIONS, BENCH_TOOLS ("ember cinder"),
#        BENCH_KEEP=1 (keep BENCH_DIR), BENCH_OBJECT_SIZE (both tools; default 52428800).
set -euo pipefail

BENCH_TAG=bench-swift
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-swift.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-256}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
ADD_BACKEND=$BUILD/tests/interop/ember-test-add-swift-backend
HARNESS=$ROOT/tests/interop/cinder_swift.py
W=${BENCH_DIR:-/tmp/ember-bench-swift}
COMPRESSIONS=${BENCH_COMPRESSIONS:-zlib none}
TOOLS=${BENCH_TOOLS:-ember cinder}
VOLUME_ID=5f0c9a4e-1b7d-4c52-9d1e-0b3e8f2a6c12
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-52428800} # backup_swift_object_size default

if [[ " $TOOLS " == *" ember "* ]]; then
  [ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
  [ -x "$ADD_BACKEND" ] || die "$ADD_BACKEND is missing: build the ember-test-add-swift-backend target first"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
"$PY" -c 'import cinder.backup.drivers.swift' 2>/dev/null || die "python3-cinder / python3-swiftclient is missing"

new_work_dir
SWIFT_DIR=$W/swift
cleanup() {
  stop_service swift "$SWIFT_DIR"
  if [ "${BENCH_KEEP:-0}" != 1 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT

start_service swift "$SWIFT_DIR" Swift
set -a
# shellcheck disable=SC1091 # written by swift.sh start
. "$W/swift.env"
set +a

make_volume "making a ${SIZE_MIB} MiB volume"
# rows of RESULTS (record): tool compression operation seconds peak_kb

# bytes and objects in a container, straight from Swift
container_usage() { # container -> "bytes objects"
  "$PY" - "$1" <<'EOF'
import os, sys
from swiftclient import client
conn = client.Connection(authurl=os.environ['SWIFT_AUTH_URL'], user=os.environ['SWIFT_USER'],
                         key=os.environ['SWIFT_KEY'], auth_version='1')
headers, listing = conn.get_container(sys.argv[1], full_listing=True)
print(sum(o['bytes'] for o in listing), len(listing))
EOF
}

# ---------------------------------------------------------------- Cinder
CINDER_DB=
CONTAINER=
cinder_start() { # compression
  CINDER_DB=$W/cinder-db.json
  rm -f "$CINDER_DB"
  CINDER_COMPRESSION=$1
}
cinder_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "$PY" "$HARNESS" backup --volume-file "$W/vol.img" --volume-id "$VOLUME_ID" \
    --swift-container "$CONTAINER" --db "$CINDER_DB" --compression "$CINDER_COMPRESSION" \
    --object-size "$OBJECT_SIZE" "${inc[@]}"
  record cinder "$1" "$2" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "$2 (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_restore() { # compression
  timed "$PY" "$HARNESS" restore --volume-file "$W/restored.img" --swift-container "$CONTAINER" --db "$CINDER_DB"
  record cinder "$1" "restore (full + inc)" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "restore (full + inc) (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_delete() {
  local id
  for id in $("$PY" -c 'import json,sys; print(" ".join(r["id"] for r in reversed(json.load(open(sys.argv[1]))["backups"])))' "$CINDER_DB"); do
    "$PY" "$HARNESS" delete --db "$CINDER_DB" --backup-id "$id" --swift-container "$CONTAINER" >/dev/null 2>"$W/err.txt" ||
      { cat "$W/err.txt" >&2; die "Cinder could not delete $id"; }
  done
}

# ---------------------------------------------------------------- Ember
EMBER_IDS=()
# no keyring here: the secret store's explicit file fallback (0600, in EMBER_HOME)
ember_env=(env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" EMBER_ALLOW_FILE_SECRETS=1
           DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/ember-no-bus)
ember() { "${ember_env[@]}" "$CLI" "$@"; }
ember_start() { # compression
  rm -rf "$W/ember-home"
  mkdir -p "$W/ember-home"
  EMBER_IDS=()
  printf '%s\n' "$SWIFT_KEY" | "${ember_env[@]}" "$ADD_BACKEND" bench --default \
    "backup_swift_auth_url=$SWIFT_AUTH_URL" "backup_swift_user=$SWIFT_USER" \
    "backup_swift_container=$CONTAINER" "backup_swift_object_size=$OBJECT_SIZE" \
    "backup_compression_algorithm=$1" 2>/dev/null
  ember volume-add "$W/vol.img" --name bench-volume >/dev/null
}
ember_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "${ember_env[@]}" "$CLI" --format json backup-create "${inc[@]}" bench-volume
  EMBER_IDS+=("$(first_id)")
  record ember "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
ember_restore() { # compression
  local newest=${EMBER_IDS[${#EMBER_IDS[@]}-1]}
  [ -n "$newest" ] || die "ember-cli backup-create printed no backup id"
  timed "${ember_env[@]}" "$CLI" --format json backup-restore --path "$W/restored.img" "$newest"
  record ember "$1" "restore (full + inc)" "$ELAPSED" "$PEAK_KB"
}
ember_delete() {
  local i
  for ((i = ${#EMBER_IDS[@]} - 1; i >= 0; i--)); do
    ember backup-delete "${EMBER_IDS[$i]}" >/dev/null 2>"$W/err.txt" ||
      { cat "$W/err.txt" >&2; die "ember could not delete ${EMBER_IDS[$i]}"; }
  done
}

# ---------------------------------------------------------------- the runs
for compression in $COMPRESSIONS; do
  for tool in $TOOLS; do
    log "== $tool, compression $compression"
    CONTAINER=bench-$tool-$compression
    rm -f "$W/restored.img"
    cp "$W/base.img" "$W/vol.img"
    "${tool}_start" "$compression"
    "${tool}_backup" "$compression" "full backup" 0
    "${tool}_backup" "$compression" "incremental, unchanged" 1
    "${tool}_restore" "$compression"
    cmp "$W/vol.img" "$W/restored.img" || die "$tool restore differs from the volume"
    read -r stored_bytes stored_objects < <(container_usage "$CONTAINER")
    log "$tool restore matches the volume byte for byte; container: $stored_objects objects, $((stored_bytes / 1048576)) MiB"
    printf '%s\t%s\tstored MiB\t%s\t0\n' "$tool" "$compression" "$((stored_bytes / 1048576))" >>"$RESULTS"
    "${tool}_delete"
    read -r stored_bytes stored_objects < <(container_usage "$CONTAINER")
    [ "$stored_objects" = 0 ] || die "$tool left $stored_objects objects in $CONTAINER after deleting"
    rm -f "$W/restored.img"
  done
done

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$SIZE_BYTES" "$OBJECT_SIZE" <<'EOF'
import collections, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
size_mb = int(sys.argv[2]) / 1e6
data = collections.OrderedDict()
for tool, comp, op, secs, kb in rows:
    data.setdefault((comp, op), {})[tool] = (float(secs), int(kb))

def cell(v, op):
    if v is None:
        return '%8s %9s %8s' % ('-', '-', '-')
    secs, kb = v
    if op == 'stored MiB':
        return '%8s %9s %8s' % ('', '%d MiB' % secs, '')
    rate = size_mb / secs if secs > 0 else float('inf')
    return '%8.2f %9.1f %8d' % (secs, rate, kb // 1024)

print()
print('Swift on 127.0.0.1, volume %.0f MB, %d-byte objects. s = seconds, MB/s = volume MB / s, '
      'RSS = peak MiB.' % (size_mb, int(sys.argv[3])))
print('Ember/Cinder: speed = Ember MB/s / Cinder MB/s (above 1: Ember faster); RSS = Ember RSS / Cinder RSS.')
print('%-5s %-38s | %-28s | %-28s | %s' % ('comp', 'operation', 'Ember  s     MB/s     RSS',
                                          'Cinder s     MB/s     RSS', 'Ember/Cinder speed, RSS'))
for (comp, op), tools in data.items():
    e, c = tools.get('ember'), tools.get('cinder')
    ratio = ''
    if e and c and op != 'stored MiB':
        ratio = '%6.2f  %5.2f' % (c[0] / e[0] if e[0] else float('inf'), e[1] / c[1] if c[1] else float('nan'))
    elif e and c:
        ratio = 'size %5.2f' % (e[0] / c[0] if c[0] else float('nan'))
    print('%-5s %-38s | %s | %s | %s' % (comp, op, cell(e, op), cell(c, op), ratio))
EOF
finish
