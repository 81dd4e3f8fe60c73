#!/usr/bin/env bash
# Disaster recovery from the backup store alone: Cinder backs a volume up (full, then
# incremental, posix driver); then Cinder's API, database, scheduler, volume and backup
# services are stopped; Ember rebuilds the backup records from the store's files
# (backend-rescan) and restores both states, byte-identical with the volume's states
# read earlier with `rbd export`. Runs as a cleanup of the "cinder" fixture (after every
# other cloud test), because it stops the deployment.
# Usage: test_disaster_recovery.sh CINDER_SH CINDER_DATA_DIR   (ctest passes both)
set -euo pipefail
CINDER_SH=${1:?cinder.sh}
CINDER_DATA_DIR=${2:?cinder data dir}
: "${EMBER_CLI:?set by ctest}" "${EMBER_SERVICES_DIR:?set by ctest}"
[ -f "$EMBER_SERVICES_DIR/cinder.env" ] || { echo "FAIL: no cinder.env (did the cinder fixture start?)"; exit 1; }
set -a
. "$EMBER_SERVICES_DIR/ceph.env"
. "$EMBER_SERVICES_DIR/cinder.env"
set +a
mkdir -p "${EMBER_TEST_TMP:-/tmp}"
WORK=$(mktemp -d "${EMBER_TEST_TMP:-/tmp}/dr.XXXXXX")
export EMBER_HOME=$WORK/home EMBER_ALLOW_FILE_SECRETS=1
VID=
cleanup() {
  [ -n "$VID" ] && rbd -c "$CEPH_CONF" rm "volumes/volume-$VID" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
field() { # cinder show output -> value of one field
  awk -v key="$1" -F'|' '{ gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $3); if ($2 == key) print $3 }'
}
wait_status() { # volume|backup ID WANT
  local kind=$1 id=$2 want=$3 status= i
  for i in $(seq 1 240); do
    if [ "$kind" = volume ]; then status=$(cinder show "$id" | field status)
    else status=$(cinder backup-show "$id" | field status); fi
    [ "$status" = "$want" ] && return 0
    case $status in error*) fail "$kind $id is $status";; esac
    sleep 1
  done
  fail "$kind $id still '$status' after 240 s (wanted $want)"
}
# Known bytes at known places of the RBD image (python3-rbd; no kernel mapping needed).
write_volume() { # SEED OFFSET_MIB LENGTH_MIB
  /usr/bin/python3 - "$CEPH_CONF" "volume-$VID" "$@" <<'PY'
import random, sys, rados, rbd
conf, image, seed, offset, length = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
with rados.Rados(conffile=conf) as cluster, cluster.open_ioctx("volumes") as ioctx, rbd.Image(ioctx, image) as img:
    for mib in range(length):
        img.write(rng.randbytes(1 << 20), (offset + mib) << 20)
PY
}

echo "== Cinder: a 1 GiB volume, a full and an incremental backup"
VID=$(cinder create --name dr-source 1 | field id)
[ -n "$VID" ] || fail "cinder create gave no id"
wait_status volume "$VID" available
write_volume 1 0 24
write_volume 2 700 8
rbd -c "$CEPH_CONF" export --no-progress "volumes/volume-$VID" "$WORK/state1.img"
FULL=$(cinder backup-create --name dr-full "$VID" | field id)
wait_status backup "$FULL" available
write_volume 3 4 6
write_volume 4 1000 4
rbd -c "$CEPH_CONF" export --no-progress "volumes/volume-$VID" "$WORK/state2.img"
INC=$(cinder backup-create --incremental --name dr-incremental "$VID" | field id)
wait_status backup "$INC" available
cmp -s "$WORK/state1.img" "$WORK/state2.img" && fail "the two states do not differ"

echo "== The cloud goes down: every Cinder and Keystone service stops"
bash "$CINDER_SH" stop "$CINDER_DATA_DIR" >&2
if curl -s -m 5 -o /dev/null "$CINDER_URL"; then fail "cinder-api still answers after stop"; fi
if curl -s -m 5 -o /dev/null "$KEYSTONE_URL"; then fail "keystone still answers after stop"; fi

echo "== Ember: records from the store alone, then restores"
"$EMBER_CLI" backend-add-local cinder-store "$CINDER_BACKUP_POSIX_PATH"
"$EMBER_CLI" --format json backend-rescan cinder-store >"$WORK/rescan.json"
/usr/bin/python3 - "$WORK/rescan.json" "$FULL" "$INC" "$VID" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
full, inc, vid = sys.argv[2:5]
added = {b["id"]: b for b in report["added"]}
# The store is the fixture's: backups other tests left there are found too.
assert {full, inc} <= set(added), f"rescan added {sorted(added)}, wanted {full} and {inc}; skipped {report['skipped']}"
assert added[inc]["parent_id"] == full, f"incremental's parent is {added[inc]['parent_id']}"
assert all(added[b]["volume_id"] == vid for b in (full, inc))
assert all(b["status"] == "available" for b in added.values())
PY
"$EMBER_CLI" backup-restore "$FULL" --path "$WORK/restored-full.img" --name dr-full-restored >/dev/null
"$EMBER_CLI" backup-restore "$INC" --path "$WORK/restored-inc.img" --name dr-inc-restored >/dev/null
cmp "$WORK/state1.img" "$WORK/restored-full.img" || fail "the full backup restored different bytes"
cmp "$WORK/state2.img" "$WORK/restored-inc.img" || fail "the incremental restored different bytes"
"$EMBER_CLI" backup-verify "$INC" >/dev/null || fail "backup-verify of the incremental failed"
echo "PASS: Cinder's full and incremental backups restored byte-identical with Cinder down"
