#!/usr/bin/env bash
# run-bench-fetch.sh - restore rate of Ember from Swift, S3 (radosgw) and its Ceph backend
# against what the store itself delivers on the same machine, in the same run:
#   swift  Ember restore  vs  a plain parallel GET (curl, xargs -P N) of the backup's objects
#   s3     Ember restore  vs  a parallel signed GET (curl --aws-sigv4, xargs -P N) of them
#          For both, two more rows: Ember with ember_restore_md5=skip (a second backend on
#          the same container, its own backup of the volume), and "curl -PN +file +md5", the
#          peer doing part of Ember's work: each object written to a file in BENCH_SINK and
#          its MD5 computed (md5sum), as Ember checks each object's MD5 and writes the
#          volume (Ember also checks every 32 KiB block's SHA-256).
#   ceph   Ember restore to a file  vs  `rbd export` of the backup's image snapshot to a
#          file, and aio reads of the image's RADOS objects (16 in flight) as the pool's
#          ceiling
#   rbd    Ember restore from the Ceph backend into a new RBD image  vs  `rbd import` of
#          the same bytes into a new image (target (c) of the restore issue)
# The volume is random bytes (nothing to skip, compression none): the raw transfer is
# measured. Files are restored into BENCH_SINK (default /dev/shm/bench-fetch-sink, RAM,
# so the sink costs little) and every restore is byte-compared once per store.
#
# Usage: bash tests/bench/run-bench-fetch.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   volume size, default 1024
# Services: reuses running ones when BENCH_CEPH_ENV, BENCH_RGW_ENV and BENCH_SWIFT_ENV
# name their env files (tests/services/*.sh start output); otherwise starts its own in
# /tmp/bench-fetch-{ceph,rgw,swift} and stops them at the end.
# Knobs: BENCH_DIR (work dir, default /tmp/bench-fetch-work), BENCH_REPEAT (runs of each
# measurement, default 3: the machine is shared, figures are ranges), BENCH_STORES
# ("swift s3 ceph rbd"), BENCH_PARALLEL (peer GETs in flight, default "4 8"),
# BENCH_OBJECT_SIZE (Swift/S3 object size, default 52428800, Cinder's),
# BENCH_EMBER_OPTIONS (extra --option NAME=VALUE for every Ember backend, e.g.
# ember_objects_in_flight=8), BENCH_MD5_SKIP (1: also Ember with ember_restore_md5=skip;
# 0: not), BENCH_PEER_CHECKED (1: also the +file +md5 peer; 0: not), BENCH_KEEP=1 (keep
# the work dir and the services).
# Prints MB/s (volume MB / s) per run and the ratio Ember / best peer (1 = parity).
set -euo pipefail

BENCH_TAG=bench-fetch
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-fetch.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
W=${BENCH_DIR:-/tmp/bench-fetch-work}
SINK=${BENCH_SINK:-/dev/shm/bench-fetch-sink}
REPEAT=${BENCH_REPEAT:-3}
STORES=${BENCH_STORES:-swift s3 ceph rbd}
PARALLEL=${BENCH_PARALLEL:-4 8}
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-52428800}
MD5_SKIP=${BENCH_MD5_SKIP:-1}
PEER_CHECKED=${BENCH_PEER_CHECKED:-1}
read -r -a EXTRA_OPTIONS <<<"${BENCH_EMBER_OPTIONS:-}"

[ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
for tool in curl md5sum rbd xargs; do command -v "$tool" >/dev/null || die "$tool is missing"; done

new_work_dir
mkdir -p "$SINK"
OWN_SERVICES=()
cleanup() {
  rm -rf "$SINK"
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    local i
    for ((i = ${#OWN_SERVICES[@]} - 1; i >= 0; i--)); do
      stop_service "${OWN_SERVICES[$i]%%:*}" "${OWN_SERVICES[$i]#*:}"
    done
    rm -rf "$W"
  fi
}
trap cleanup EXIT

# use_service NAME VAR: copies the env file named by VAR, or starts the service
use_service() {
  local given=${!2:-}
  if [ -n "$given" ]; then
    cp "$given" "$W/$1.env"
    log "reusing $1 ($given)"
  else
    if [ "$1" = rgw ]; then export EMBER_RGW_CEPH_DIR=/tmp/bench-fetch-ceph; fi
    start_service "$1" "/tmp/bench-fetch-$1" "$1"
    OWN_SERVICES+=("$1:/tmp/bench-fetch-$1")
  fi
  set -a
  # shellcheck disable=SC1090 # written by tests/services/NAME.sh start
  . "$W/$1.env"
  set +a
}
[[ " $STORES " == *" swift "* ]] && use_service swift BENCH_SWIFT_ENV
if [[ " $STORES " == *" s3 "* || " $STORES " == *" ceph "* || " $STORES " == *" rbd "* ]]; then
  use_service ceph BENCH_CEPH_ENV
  unset CEPH_KEYRING # would override the backup user's keyring named in ceph.conf
  RBD=(rbd --id "$CEPH_BACKUP_CLIENT_ID" --conf "$CEPH_CONF")
fi
[[ " $STORES " == *" s3 "* ]] && use_service rgw BENCH_RGW_ENV

log "making a ${SIZE_MIB} MiB volume of random bytes"
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$W/vol.img"
SIZE_BYTES=$(stat -c %s "$W/vol.img")
MB=$(awk -v b="$SIZE_BYTES" 'BEGIN { print b / 1e6 }')

# rows of RESULTS: store who run seconds peak_kb
ember_env=(env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" EMBER_ALLOW_FILE_SECRETS=1
  QT_QPA_PLATFORM=offscreen DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/ember-no-bus)
ember() { "${ember_env[@]}" "$CLI" "$@"; }
mkdir -p "$W/ember-home"
ember volume-add "$W/vol.img" --name bench-volume >/dev/null
extra=()
for option in "${EXTRA_OPTIONS[@]}"; do extra+=(--option "$option"); done

# times a command (no output kept), records "store who run"
timed_run() { # store who run CMD...
  local store=$1 who=$2 run=$3
  shift 3
  timed "$@"
  record "$store" "$who" "$run" "$ELAPSED" "$PEAK_KB"
}
ember_backup() { # backend -> sets BACKUP_ID
  timed "${ember_env[@]}" "$CLI" --format json backup-create --backend "$1" bench-volume
  BACKUP_ID=$(first_id)
  [ -n "$BACKUP_ID" ] || die "ember-cli backup-create printed no backup id"
  log "$1: backup $BACKUP_ID written in ${ELAPSED}s"
}
ember_restore_file() { # store run [who backup]: restores a backup (BACKUP_ID) into a new file in SINK
  local who=${3:-ember} backup=${4:-$BACKUP_ID}
  local file=$SINK/restored-$1-$2-${who// /-}.img
  timed_run "$1" "$who" "$2" "${ember_env[@]}" "$CLI" --format json backup-restore \
    --name "restored-$1-$2-${who// /-}" --path "$file" "$backup"
  if [ "$2" = 1 ]; then
    cmp "$file" "$W/vol.img" || die "$1: Ember's restore ($who) differs from the volume"
  fi
  rm -f "$file"
}
# ember_restores store run: the restore of BACKUP_ID, and of SKIP_BACKUP_ID (MD5 skipped)
ember_restores() {
  ember_restore_file "$1" "$2"
  if [ "$MD5_SKIP" = 1 ]; then ember_restore_file "$1" "$2" "ember md5 skip" "$SKIP_BACKUP_ID"; fi
}
# add_skip_backend store TYPE OPTIONS...: the same store once more with ember_restore_md5=skip,
# and a backup of the volume through it (SKIP_BACKUP_ID); secrets are copied by the caller
add_skip_backend() {
  local store=$1
  shift
  ember backend-add "$store-skip" "$@" --option ember_restore_md5=skip >/dev/null
}
# parallel_get store run N URL-FILE CURL-ARGS...: every URL fetched once, N at a time
parallel_get() {
  local store=$1 run=$2 n=$3 urls=$4
  shift 4
  timed_run "$store" "curl -P$n" "$run" xargs -a "$urls" -P "$n" -n 1 \
    curl -sSf -o /dev/null "$@"
  if [ "$PEER_CHECKED" = 1 ]; then
    # each object into its own file in SINK and through md5sum, N at a time
    timed_run "$store" "curl -P$n +file +md5" "$run" xargs -a "$urls" -P "$n" -I '{}' \
      bash -c 'set -o pipefail; f=$1; shift; curl -sSf "$@" "$f" | tee "$SINK/peer-${f##*/}" | md5sum >/dev/null' \
      _ '{}' "$@"
    rm -f "$SINK"/peer-*
  fi
}
export SINK

# ---------------------------------------------------------------- Swift
if [[ " $STORES " == *" swift "* ]]; then
  log "swift: Ember backup (compression none)"
  ember backend-add swift swift --option "backup_swift_auth_url=$SWIFT_AUTH_URL" \
    --option "backup_swift_user=$SWIFT_USER" --option backup_swift_container=bench-fetch \
    --option "backup_swift_object_size=$OBJECT_SIZE" --option backup_compression_algorithm=none \
    "${extra[@]}" >/dev/null
  printf '%s\n' "$SWIFT_KEY" | ember backend-set-secret swift backup_swift_key >/dev/null
  if [ "$MD5_SKIP" = 1 ]; then
    add_skip_backend swift swift --option "backup_swift_auth_url=$SWIFT_AUTH_URL" \
      --option "backup_swift_user=$SWIFT_USER" --option backup_swift_container=bench-fetch \
      --option "backup_swift_object_size=$OBJECT_SIZE" --option backup_compression_algorithm=none \
      "${extra[@]}"
    printf '%s\n' "$SWIFT_KEY" | ember backend-set-secret swift-skip backup_swift_key >/dev/null
    ember_backup swift-skip
    SKIP_BACKUP_ID=$BACKUP_ID
  fi
  ember_backup swift
  TOKEN=$(curl -sSf -D - -o /dev/null -H "X-Auth-User: $SWIFT_USER" -H "X-Auth-Key: $SWIFT_KEY" \
    "$SWIFT_AUTH_URL" | tr -d '\r' | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p')
  curl -sSf -H "X-Auth-Token: $TOKEN" "$SWIFT_STORAGE_URL/bench-fetch" |
    grep -F "$BACKUP_ID" | grep -v '_metadata$\|_sha256file$' |
    sed "s|^|$SWIFT_STORAGE_URL/bench-fetch/|" >"$W/swift-urls"
  log "swift: $(wc -l <"$W/swift-urls") data objects"
  for ((run = 1; run <= REPEAT; run++)); do
    ember_restores swift "$run"
    for n in $PARALLEL; do
      parallel_get swift "$run" "$n" "$W/swift-urls" -H "X-Auth-Token: $TOKEN"
    done
  done
fi

# ---------------------------------------------------------------- S3 (radosgw)
if [[ " $STORES " == *" s3 "* ]]; then
  log "s3: Ember backup (compression none)"
  ember backend-add s3 s3 --option "backup_s3_endpoint_url=$RGW_S3_ENDPOINT" \
    --option backup_s3_store_bucket=bench-fetch --option "backup_s3_object_size=$OBJECT_SIZE" \
    --option "ember_s3_region=$RGW_S3_REGION" --option backup_compression_algorithm=none \
    "${extra[@]}" >/dev/null
  printf '%s\n' "$RGW_S3_ACCESS_KEY" | ember backend-set-secret s3 backup_s3_store_access_key >/dev/null
  printf '%s\n' "$RGW_S3_SECRET_KEY" | ember backend-set-secret s3 backup_s3_store_secret_key >/dev/null
  if [ "$MD5_SKIP" = 1 ]; then
    add_skip_backend s3 s3 --option "backup_s3_endpoint_url=$RGW_S3_ENDPOINT" \
      --option backup_s3_store_bucket=bench-fetch --option "backup_s3_object_size=$OBJECT_SIZE" \
      --option "ember_s3_region=$RGW_S3_REGION" --option backup_compression_algorithm=none \
      "${extra[@]}"
    printf '%s\n' "$RGW_S3_ACCESS_KEY" | ember backend-set-secret s3-skip backup_s3_store_access_key >/dev/null
    printf '%s\n' "$RGW_S3_SECRET_KEY" | ember backend-set-secret s3-skip backup_s3_store_secret_key >/dev/null
    ember_backup s3-skip
    SKIP_BACKUP_ID=$BACKUP_ID
  fi
  ember_backup s3
  # curl 7.88 signs a query string wrongly: the v1 listing (up to 1000 keys) needs none
  SIGV4=(--aws-sigv4 "aws:amz:$RGW_S3_REGION:s3" --user "$RGW_S3_ACCESS_KEY:$RGW_S3_SECRET_KEY"
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
  curl -sSf "${SIGV4[@]}" "$RGW_S3_ENDPOINT/bench-fetch/" |
    grep -oE '<Key>[^<]*</Key>' | sed 's/<\/\?Key>//g' | grep -F "$BACKUP_ID" |
    grep -v '_metadata$\|_sha256file$' | sed "s|^|$RGW_S3_ENDPOINT/bench-fetch/|" >"$W/s3-urls"
  log "s3: $(wc -l <"$W/s3-urls") data objects"
  for ((run = 1; run <= REPEAT; run++)); do
    ember_restores s3 "$run"
    for n in $PARALLEL; do
      parallel_get s3 "$run" "$n" "$W/s3-urls" "${SIGV4[@]}"
    done
  done
fi

# ---------------------------------------------------------------- Ceph backend
if [[ " $STORES " == *" ceph "* || " $STORES " == *" rbd "* ]]; then
  log "ceph: Ember backup"
  ember backend-add ceph ceph --option "backup_ceph_conf=$CEPH_CONF" \
    --option "backup_ceph_user=$CEPH_BACKUP_CLIENT_ID" --option backup_ceph_pool=backups \
    "${extra[@]}" >/dev/null
  ember_backup ceph
  CEPH_IMAGE=$("${RBD[@]}" ls backups | grep -F "$BACKUP_ID" | head -1)
  [ -n "$CEPH_IMAGE" ] || die "ceph: no image of backup $BACKUP_ID in pool backups"
  CEPH_SOURCE=backups/$CEPH_IMAGE
  CEPH_SNAP=$("${RBD[@]}" snap ls "$CEPH_SOURCE" --format json |
    "$PY" -c 'import json,sys; s=json.load(sys.stdin); print(s[-1]["name"] if s else "")')
  [ -n "$CEPH_SNAP" ] && CEPH_SOURCE=$CEPH_SOURCE@$CEPH_SNAP
  log "ceph: the backup is $CEPH_SOURCE"
fi
if [[ " $STORES " == *" ceph "* ]]; then
  for ((run = 1; run <= REPEAT; run++)); do
    ember_restore_file ceph "$run"
    timed_run ceph "rbd export" "$run" "${RBD[@]}" export --no-progress "$CEPH_SOURCE" "$SINK/export.img"
    rm -f "$SINK/export.img"
    # the pool's ceiling: every RADOS object of the image, 16 aio reads in flight, to nowhere
    timed_run ceph "rados aio get x16" "$run" "$PY" - "$CEPH_CONF" "$CEPH_BACKUP_CLIENT_ID" "$CEPH_IMAGE" <<'PYEOF'
import sys, threading
import rados, rbd
conf, user, image_name = sys.argv[1:4]
with rados.Rados(rados_id=user, conffile=conf) as cluster, cluster.open_ioctx('backups') as io:
    with rbd.Image(io, image_name, read_only=True) as image:
        prefix, size, order = image.block_name_prefix(), image.size(), image.stat()['order']
    names = ['%s.%016x' % (prefix, i) for i in range((size + (1 << order) - 1) >> order)]
    slots, done = threading.Semaphore(16), threading.Event()
    pending = [len(names)]
    lock = threading.Lock()
    def finished(_completion, _data):
        slots.release()
        with lock:
            pending[0] -= 1
            if pending[0] == 0:
                done.set()
    for name in names:
        slots.acquire()
        io.aio_read(name, 1 << order, 0, finished)
    done.wait()
PYEOF
  done
fi

# ---------------------------------------------------------------- Ceph backend -> RBD image
if [[ " $STORES " == *" rbd "* ]]; then
  for ((run = 1; run <= REPEAT; run++)); do
    timed_run rbd ember "$run" "${ember_env[@]}" "$CLI" --format json backup-restore \
      --name "restored-rbd-$run" --rbd-cluster ceph --rbd-image "volumes/bench-fetch-ember-$run" "$BACKUP_ID"
    if [ "$run" = 1 ]; then
      "${RBD[@]}" export --no-progress "volumes/bench-fetch-ember-$run" "$SINK/check.img"
      cmp "$SINK/check.img" "$W/vol.img" || die "rbd: Ember's restore into RBD differs from the volume"
      rm -f "$SINK/check.img"
    fi
    "${RBD[@]}" rm --no-progress "volumes/bench-fetch-ember-$run" >/dev/null
    timed_run rbd "rbd import" "$run" "${RBD[@]}" import --no-progress \
      --image-feature layering,exclusive-lock,object-map,fast-diff "$W/vol.img" "volumes/bench-fetch-import-$run"
    "${RBD[@]}" rm --no-progress "volumes/bench-fetch-import-$run" >/dev/null
    # both directions of the cluster in one: export of the backup piped into import
    timed_run rbd "rbd export|import" "$run" bash -c "$(printf '%q ' "${RBD[@]}") export --no-progress $CEPH_SOURCE - | $(printf '%q ' "${RBD[@]}") import --no-progress - volumes/bench-fetch-pipe-$run"
    "${RBD[@]}" rm --no-progress "volumes/bench-fetch-pipe-$run" >/dev/null
  done
fi

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$MB" <<'EOF'
import sys
from collections import defaultdict
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
mb = float(sys.argv[2])
rates = defaultdict(list)  # (store, who) -> MB/s per run
by_run = defaultdict(dict)  # (store, run) -> who -> MB/s
for store, who, run, secs, _kb in rows:
    rate = mb / float(secs) if float(secs) else 0
    rates[(store, who)].append(rate)
    by_run[(store, run)][who] = rate
print()
print('Restore of a %.0f MB volume (random bytes, compression none); MB/s per run' % mb)
print('%-6s %-20s %s' % ('store', 'who', 'MB/s (runs)'))
for (store, who), values in rates.items():
    print('%-6s %-20s %s   [%.0f-%.0f]' % (store, who, ' '.join('%7.1f' % v for v in values),
                                           min(values), max(values)))
print()
print('Ember / peer in the same run (1.00 = parity, target >= 0.80):')
peers = defaultdict(lambda: defaultdict(list))
for (store, run), whos in sorted(by_run.items()):
    for ember, ember_rate in whos.items():
        if not ember.startswith('ember'):
            continue
        for who, rate in whos.items():
            if not who.startswith('ember') and rate:
                peers[store][(ember, who)].append(ember_rate / rate)
for store, pairs in peers.items():
    for (ember, who), ratios in pairs.items():
        print('  %-6s %-14s / %-20s %s   [%.2f-%.2f]' % (store, ember, who, ' '.join('%.2f' % r for r in ratios),
                                                        min(ratios), max(ratios)))
EOF
finish
