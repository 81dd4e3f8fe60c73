#!/usr/bin/env bash
# run-bench-s3.sh - Ember vs Cinder's real S3BackupDriver (tests/interop/cinder_s3.py, boto3)
# on the same realistic volume, in the same run, against one Ceph radosgw: a depth-3 chain
# (full backup, two incrementals after 1% changes) and the restore of its newest backup
# (the whole chain). Builds nothing.
#
# Usage: bash tests/bench/run-bench-s3.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli with the s3 backend)
#   SIZE_MIB   volume size, default 1024 (a third zeros, a third ext4 with /usr/share
#              files, a third random: tests/bench/volume.py)
# The S3 service: its own Ceph (tests/services/ceph.sh) and radosgw (tests/services/rgw.sh)
# in BENCH_DIR, stopped at the end; or, with BENCH_RGW_ENV=FILE, a running radosgw whose
# facts (RGW_S3_ENDPOINT, RGW_S3_ACCESS_KEY, RGW_S3_SECRET_KEY, RGW_S3_REGION) FILE holds,
# e.g. the CTest fixture's build-tests/services/rgw.env.
# Per compression (BENCH_COMPRESSIONS, default "zlib none") and per tool, into a fresh
# bucket (created before the clock starts, for both) with Cinder's S3 defaults
# (52428800-byte objects, 32 KiB SHA blocks):
#   full backup; 1% of the volume overwritten (volume.py mutate, seeded: the same bytes
#   for both tools); incremental; another 1%; incremental; restore of the newest backup
#   (the chain of 3), byte-compared; the bucket's usage; the backups deleted (newest
#   first) and the bucket checked empty and removed.
# Prints seconds, MB/s (volume MB / s), peak RSS and the Ember/Cinder speed ratio (Ember
# MB/s / Cinder MB/s: above 1 means Ember is faster) and RSS ratio. Cinder's seconds are
# its driver call only (the "(process)" rows add its Python start-up): a cinder-backup
# service is long-running. Both tools talk to the same radosgw on 127.0.0.1.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench-s3; needs ~4x SIZE free plus the
#        Ceph store, sparse), BENCH_COMPRESSIONS, BENCH_TOOLS ("ember cinder"),
#        BENCH_KEEP=1 (keep BENCH_DIR and leave the services running),
#        BENCH_OBJECT_SIZE (both tools; default 52428800), BENCH_CHANGE_PERCENT (1),
#        BENCH_RGW_ENV (above).
set -euo pipefail

BENCH_TAG=bench-s3
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-s3.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
HARNESS=$ROOT/tests/interop/cinder_s3.py
W=${BENCH_DIR:-/tmp/ember-bench-s3}
COMPRESSIONS=${BENCH_COMPRESSIONS:-zlib none}
TOOLS=${BENCH_TOOLS:-ember cinder}
CHANGE=${BENCH_CHANGE_PERCENT:-1}
VOLUME_ID=3b8e6f1a-7c24-4d09-a5e1-9f2d0c6b4a83
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-52428800} # backup_s3_object_size default

if [[ " $TOOLS " == *" ember "* ]]; then
  [ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
"$PY" -c 'import cinder.backup.drivers.s3' 2>/dev/null || die "python3-cinder / python3-boto3 is missing"

new_work_dir
OWN_SERVICES=0
cleanup() {
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    if [ "$OWN_SERVICES" = 1 ]; then
      stop_service rgw "$W/rgw" # before its cluster
      stop_service ceph "$W/ceph"
    fi
    rm -rf "$W"
  fi
}
trap cleanup EXIT

if [ -n "${BENCH_RGW_ENV:-}" ]; then
  [ -r "$BENCH_RGW_ENV" ] || die "BENCH_RGW_ENV=$BENCH_RGW_ENV is not readable"
  log "using the radosgw of $BENCH_RGW_ENV"
  cp "$BENCH_RGW_ENV" "$W/rgw.env"
else
  OWN_SERVICES=1
  # the chains of one tool and compression at a time (deleted after), never more than
  # ~1.5x SIZE stored; the store file is sparse
  EMBER_CEPH_STORE_GB=${EMBER_CEPH_STORE_GB:-20} start_service ceph "$W/ceph" "a Ceph cluster"
  EMBER_RGW_CEPH_DIR=$W/ceph start_service rgw "$W/rgw" "radosgw"
fi
set -a
# shellcheck disable=SC1091 # written by rgw.sh start
. "$W/rgw.env"
set +a
: "${RGW_S3_ENDPOINT:?no RGW_S3_ENDPOINT in rgw.env}" "${RGW_S3_ACCESS_KEY:?}" "${RGW_S3_SECRET_KEY:?}"
export RGW_S3_REGION=${RGW_S3_REGION:-us-east-1}

make_volume "making a ${SIZE_MIB} MiB volume"
# rows of RESULTS (record): tool compression operation seconds peak_kb

# bucket operations straight through boto3 (path-style, as both tools use)
s3() { # create|usage|remove BUCKET; usage prints "bytes objects"
  "$PY" - "$@" <<'EOF'
import os, sys
import boto3
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=os.environ['RGW_S3_ENDPOINT'],
                  aws_access_key_id=os.environ['RGW_S3_ACCESS_KEY'],
                  aws_secret_access_key=os.environ['RGW_S3_SECRET_KEY'],
                  region_name=os.environ['RGW_S3_REGION'],
                  config=Config(s3={'addressing_style': 'path'}))
command, bucket = sys.argv[1:3]
if command == 'create':
    s3.create_bucket(Bucket=bucket)
elif command == 'usage':
    sizes = [o['Size'] for page in s3.get_paginator('list_objects_v2').paginate(Bucket=bucket)
             for o in page.get('Contents', [])]
    print(sum(sizes), len(sizes))
elif command == 'remove':
    s3.delete_bucket(Bucket=bucket)
EOF
}

# ---------------------------------------------------------------- Cinder
CINDER_DB=
BUCKET=
cinder_start() { # compression
  CINDER_DB=$W/cinder-db.json
  rm -f "$CINDER_DB"
  CINDER_COMPRESSION=$1
}
cinder_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "$PY" "$HARNESS" backup --volume-file "$W/vol.img" --volume-id "$VOLUME_ID" \
    --s3-bucket "$BUCKET" --db "$CINDER_DB" --compression "$CINDER_COMPRESSION" \
    --object-size "$OBJECT_SIZE" "${inc[@]}"
  record cinder "$1" "$2" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "$2 (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_restore() { # compression operation
  timed "$PY" "$HARNESS" restore --volume-file "$W/restored.img" --s3-bucket "$BUCKET" --db "$CINDER_DB"
  record cinder "$1" "$2" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "$2 (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_delete() {
  local id
  for id in $("$PY" -c 'import json,sys; print(" ".join(r["id"] for r in reversed(json.load(open(sys.argv[1]))["backups"])))' "$CINDER_DB"); do
    "$PY" "$HARNESS" delete --db "$CINDER_DB" --backup-id "$id" --s3-bucket "$BUCKET" >/dev/null 2>"$W/err.txt" ||
      { cat "$W/err.txt" >&2; die "Cinder could not delete $id"; }
  done
}

# ---------------------------------------------------------------- Ember
EMBER_IDS=()
# no keyring here: the secret store's explicit file fallback (0600, in EMBER_HOME)
ember_env=(env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" EMBER_ALLOW_FILE_SECRETS=1
           QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/ember-no-bus)
ember() { "${ember_env[@]}" "$CLI" "$@"; }
ember_start() { # compression
  rm -rf "$W/ember-home"
  mkdir -p "$W/ember-home"
  EMBER_IDS=()
  ember backend-add bench s3 --default --option "backup_s3_endpoint_url=$RGW_S3_ENDPOINT" \
    --option "backup_s3_store_bucket=$BUCKET" --option "backup_s3_object_size=$OBJECT_SIZE" \
    --option "ember_s3_region=$RGW_S3_REGION" --option "backup_compression_algorithm=$1" >/dev/null
  printf '%s\n' "$RGW_S3_ACCESS_KEY" | ember backend-set-secret bench backup_s3_store_access_key >/dev/null
  printf '%s\n' "$RGW_S3_SECRET_KEY" | ember backend-set-secret bench backup_s3_store_secret_key >/dev/null
  ember volume-add "$W/vol.img" --name bench-volume >/dev/null
}
ember_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "${ember_env[@]}" "$CLI" --format json backup-create "${inc[@]}" bench-volume
  EMBER_IDS+=("$(first_id)")
  [ -n "${EMBER_IDS[${#EMBER_IDS[@]}-1]}" ] || die "ember-cli backup-create printed no backup id"
  record ember "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
ember_restore() { # compression operation
  local newest=${EMBER_IDS[${#EMBER_IDS[@]}-1]}
  timed "${ember_env[@]}" "$CLI" --format json backup-restore --path "$W/restored.img" "$newest"
  record ember "$1" "$2" "$ELAPSED" "$PEAK_KB"
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
    BUCKET=bench-$tool-$compression-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
    s3 create "$BUCKET"
    rm -f "$W/restored.img"
    cp --sparse=always "$W/base.img" "$W/vol.img"
    "${tool}_start" "$compression"
    "${tool}_backup" "$compression" "full backup" 0
    "$PY" "$HERE/volume.py" mutate "$W/vol.img" "$CHANGE" 1 >&2
    "${tool}_backup" "$compression" "incremental 1 (${CHANGE}% changed)" 1
    "$PY" "$HERE/volume.py" mutate "$W/vol.img" "$CHANGE" 2 >&2
    "${tool}_backup" "$compression" "incremental 2 (${CHANGE}% changed)" 1
    "${tool}_restore" "$compression" "restore (chain of 3)"
    cmp "$W/vol.img" "$W/restored.img" || die "$tool restore differs from the volume"
    read -r stored_bytes stored_objects < <(s3 usage "$BUCKET")
    log "$tool restore matches the volume byte for byte; bucket: $stored_objects objects, $((stored_bytes / 1048576)) MiB"
    printf '%s\t%s\tstored MiB\t%s\t0\n' "$tool" "$compression" "$((stored_bytes / 1048576))" >>"$RESULTS"
    "${tool}_delete"
    read -r stored_bytes stored_objects < <(s3 usage "$BUCKET")
    [ "$stored_objects" = 0 ] || die "$tool left $stored_objects objects in $BUCKET after deleting"
    s3 remove "$BUCKET"
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
print('S3 (radosgw) on 127.0.0.1, volume %.0f MB, %d-byte objects. s = seconds, '
      'MB/s = volume MB / s, RSS = peak MiB.' % (size_mb, int(sys.argv[3])))
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
