#!/usr/bin/env bash
# run-bench-rbd.sh - incremental backup of an RBD image with 1% changed: Ember (librbd
# diff, to its Ceph backend and to a local posix backend) vs Cinder's real
# CephBackupDriver (tests/interop/cinder_ceph.py: rbd export-diff | rbd import-diff) vs
# Ember reading the whole image (a full backup), in the same run, on the same image.
#
# Usage: bash tests/bench/run-bench-rbd.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   image size, default 1024 (tests/bench/volume.py's mix: a third zeros, a
#              third ext4 with /usr/share files, a third random; imported sparse)
# Starts its own single-node cluster with tests/services/ceph.sh in BENCH_DIR/ceph
# (default BENCH_DIR /tmp/ember-bench-rbd) and stops it at the end.
# Steps: full backups (Ember -> Ceph, Ember -> posix, Cinder -> Ceph), then 1% of the
# image overwritten (64 KiB..1 MiB runs at seeded offsets), then the timed incrementals,
# unchanged incrementals (the fixed cost) and Ember full backups; the 1% incrementals
# are restored (Ember: to files; Cinder: into a new RBD image) and byte-compared with
# `rbd export` of the image. Each contender has its own image of identical content.
# Duration: ~2 minutes for 1 GiB on the 2-core dev machine.
# Ember's posix backend uses --compression none so that "full" measures reading, not
# zlib. Cinder's figures are its driver call (driver) and the whole process (process:
# adds Python start-up, ~3 s). Ratios: below 1 means the left side is faster.
# Knobs: BENCH_DIR, BENCH_KEEP=1 (keep BENCH_DIR and leave the cluster running),
# BENCH_REPEAT (rounds of 1% change + incrementals, default 1), EMBER_CEPH_TIMING=1 (prints
# the Ceph backend's step times of each Ember backup).
set -euo pipefail

BENCH_TAG=bench-rbd
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-rbd.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
HARNESS=$ROOT/tests/interop/cinder_ceph.py
W=${BENCH_DIR:-/tmp/ember-bench-rbd}
VOLUME_ID=6a1d0b5f-2c8e-4d63-8e2f-1c4f9a3b7d22
RESTORE_ID=0e7b2c4d-5a61-4f38-9b2e-7d3c1a9f8e44

[ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
"$PY" -c 'import cinder.backup.drivers.ceph, rbd' 2>/dev/null || die "python3-cinder or python3-rbd is missing"
command -v rbd >/dev/null || die "the rbd CLI is missing (Debian package 'ceph-common')"

new_work_dir
# a copy: a rebuild of the tree during the run must not mix two binaries in one table
log "ember-cli: $CLI of $(date -u -r "$CLI" '+%F %T UTC')"
cp "$CLI" "$W/ember-cli"
CLI=$W/ember-cli
cleanup() {
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    stop_service ceph "$W/ceph"
    rm -rf "$W"
  fi
}
trap cleanup EXIT

start_service ceph "$W/ceph" "a Ceph cluster"
CEPH_CONF=$(sed -n 's/^CEPH_CONF=//p' "$W/ceph.env")
CEPH_USER=$(sed -n 's/^CEPH_BACKUP_CLIENT_ID=//p' "$W/ceph.env")
export CEPH_CONF CEPH_BACKUP_CLIENT_ID=$CEPH_USER
unset CEPH_KEYRING # would override the backup user's keyring named in ceph.conf
RBD=(rbd --id "$CEPH_USER" --conf "$CEPH_CONF")
# One image per contender, same content (same import, same seeded change): ember-cli
# removes the older backup snapshots of an image when it keeps a new one, so tools
# sharing one image would take away each other's incremental base.
IMAGE=volumes/volume-$VOLUME_ID # Cinder's (named after its volume id)
EMBER_IMAGE_CEPH=volumes/ember-to-ceph
EMBER_IMAGE_POSIX=volumes/ember-to-posix
ALL_IMAGES=("$IMAGE" "$EMBER_IMAGE_CEPH" "$EMBER_IMAGE_POSIX")

make_volume "making a ${SIZE_MIB} MiB image, imported three times"
for image in "${ALL_IMAGES[@]}"; do
  "${RBD[@]}" import --no-progress --image-feature layering,exclusive-lock,object-map,fast-diff \
    "$W/base.img" "$image"
done
rm -f "$W/base.img"

# rows of RESULTS (record): label phase seconds peak_kb

# ---------------------------------------------------------------- Ember set-up
# two Ember data directories, one per backend and image
ember_env() { # ceph|posix: sets EENV, the environment of that Ember
  EENV=(env EMBER_HOME="$W/ember-$1" XDG_DATA_HOME="$W/ember-$1/xdg" EMBER_ALLOW_FILE_SECRETS=1
    QT_QPA_PLATFORM=offscreen)
}
ember() { # ceph|posix ARGS...
  ember_env "$1"
  shift
  "${EENV[@]}" "$CLI" --format json "$@"
}
mkdir -p "$W/ember-ceph" "$W/ember-posix"
for home in ceph posix; do
  ember "$home" backend-add ceph ceph --option "backup_ceph_conf=$CEPH_CONF" \
    --option "backup_ceph_user=$CEPH_USER" --option backup_ceph_pool=backups >/dev/null
done
ember ceph volume-add-rbd ceph "$EMBER_IMAGE_CEPH" --name bench-rbd >/dev/null
ember posix volume-add-rbd ceph "$EMBER_IMAGE_POSIX" --name bench-rbd >/dev/null
ember posix backend-add-local posix "$W/posix" --compression none >/dev/null

ember_backup() { # ceph|posix phase [--incremental]
  ember_env "$1"
  timed "${EENV[@]}" "$CLI" --format json backup-create --backend "$1" "${@:3}" bench-rbd
  LAST_ID=$(first_id)
  [ -n "$LAST_ID" ] || die "ember-cli backup-create printed no backup id"
  record "ember-$1" "$2" "$ELAPSED" "$PEAK_KB"
  # EMBER_CEPH_TIMING=1 (exported): the Ceph backend's step times of that backup
  grep '^ceph timing' "$W/err.txt" | sed 's/^/    /' >&2 || true
}
cinder_backup() { # phase [--incremental]
  timed "$PY" "$HARNESS" backup --volume-id "$VOLUME_ID" --db "$W/cinder-db.json" "${@:2}"
  LAST_ID=$(json_field id)
  record "cinder-ceph" "$1" "$(json_field driver_seconds)" "$PEAK_KB"
  record "cinder-ceph (process)" "$1" "$ELAPSED" "$PEAK_KB"
}

# ---------------------------------------------------------------- full backups (parents)
# A fresh OSD is slow on its first writes (measured: whichever full backup ran first took
# ~2x as long): warm both pools up before anything is timed.
log "warming the cluster up"
for pool in volumes backups; do
  "${RBD[@]}" create --size 512M "$pool/bench-warmup"
  "${RBD[@]}" bench --io-type write --io-size 4M --io-total 512M --io-threads 8 \
    "$pool/bench-warmup" >/dev/null
  "${RBD[@]}" rm --no-progress "$pool/bench-warmup"
done

log "full backups"
ember_backup ceph "full"
ember_backup posix "full"
cinder_backup "full"

# 1% of each image overwritten (64 KiB..1 MiB runs at seeded offsets), then the
# incrementals; BENCH_REPEAT rounds, each with the next seed (the last round's backups are
# the ones restored below).
overwrite_one_percent() { # SEED
  "$PY" - "$CEPH_CONF" "$CEPH_USER" 1 "$1" "${ALL_IMAGES[@]}" <<'EOF'
import random, sys
import rados, rbd
conf, user, percent, seed = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
with rados.Rados(rados_id=user, conffile=conf) as cluster:
    for spec in sys.argv[5:]:
        pool, name = spec.split('/')
        rng = random.Random(seed)
        with cluster.open_ioctx(pool) as ioctx, rbd.Image(ioctx, name) as image:
            size, budget = image.size(), int(image.size() * percent / 100)
            while budget > 0:
                length = min(budget, rng.randrange(64 << 10, (1 << 20) + 1))
                offset = rng.randrange(0, size - length)
                image.write(rng.randbytes(length), offset)
                budget -= length
EOF
}

# ---------------------------------------------------------------- the timed runs
for round in $(seq 1 "${BENCH_REPEAT:-1}"); do
  log "round $round: overwriting 1% of the images, incrementals (1% changed)"
  overwrite_one_percent $((6 + round))
  ember_backup ceph "incremental" --incremental
  EMBER_CEPH_INC=$LAST_ID
  ember_backup posix "incremental" --incremental
  EMBER_POSIX_INC=$LAST_ID
  cinder_backup "incremental" --incremental
  CINDER_INC=$LAST_ID
done
log "unchanged incrementals and whole-image reads"
# the floor: nothing changed since the parent (start-up, connection, snapshot, diff)
ember_backup ceph "incr. unchanged" --incremental
ember_backup posix "incr. unchanged" --incremental
cinder_backup "incr. unchanged" --incremental
ember_backup posix "full, whole read"
# second full backups, warm: the first ones above run right after the imports
ember_backup ceph "full again"
cinder_backup "full again"

# ---------------------------------------------------------------- byte-compare
# the images changed only before the incrementals, all alike: each incremental must
# restore to the head of Cinder's image
log "verifying the incrementals against rbd export"
"${RBD[@]}" export --no-progress "$IMAGE" "$W/expected.img"
for who in ceph:$EMBER_CEPH_INC posix:$EMBER_POSIX_INC cinder:$CINDER_INC; do
  id=${who#*:}
  rm -f "$W/restored.img"
  if [ "${who%%:*}" = cinder ]; then
    # into a new RBD image (its differential path): 21.3.1's full copy into a file fails
    # when the image is not whole GiB (see cinder_ceph.py); the tail beyond is zeros
    "${RBD[@]}" create --size "$(((SIZE_BYTES + 1073741823) / 1073741824))G" volumes/volume-$RESTORE_ID
    timed "$PY" "$HARNESS" restore --target-volume-id "$RESTORE_ID" --db "$W/cinder-db.json" --backup-id "$id"
    "${RBD[@]}" export --no-progress volumes/volume-$RESTORE_ID "$W/restored.img"
  else
    ember_env "${who%%:*}"
    timed "${EENV[@]}" "$CLI" --format json backup-restore --path "$W/restored.img" "$id"
  fi
  head -c "$SIZE_BYTES" "$W/restored.img" | cmp - "$W/expected.img" ||
    die "restore of $id differs from the image"
  log "${who%%:*} restore of $id matches the image byte for byte"
done
rm -f "$W/restored.img" "$W/expected.img"

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$SIZE_BYTES" <<'EOF'
import sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
size_mb = int(sys.argv[2]) / 1e6
t = {}
print()
print('RBD image: %.0f MB, 1%% changed between the full and the incremental backups.' % size_mb)
print('%-22s %-17s %9s %9s %8s' % ('who', 'backup', 's', 'MB/s', 'RSS MiB'))
for who, phase, secs, kb in rows:
    secs = float(secs)
    t[(who, phase)] = secs
    print('%-22s %-17s %9.2f %9.1f %8d' % (who, phase, secs, size_mb / secs if secs else 0,
                                            int(kb) // 1024))

def ratio(a, b):
    return '%.3f' % (t[a] / t[b]) if a in t and b in t and t[b] else '-'

inc_ceph, inc_posix = ('ember-ceph', 'incremental'), ('ember-posix', 'incremental')
cinder, cinder_proc = ('cinder-ceph', 'incremental'), ('cinder-ceph (process)', 'incremental')
whole = ('ember-posix', 'full, whole read')
print()
print('ratios (time):')
print('  ember->ceph full again / cinder full again (driver)    %s'
      % ratio(('ember-ceph', 'full again'), ('cinder-ceph', 'full again')))
print('  ember->ceph incremental / cinder incremental (driver)   %s' % ratio(inc_ceph, cinder))
print('  ember->ceph incremental / cinder incremental (process)  %s' % ratio(inc_ceph, cinder_proc))
print('  ember->posix incremental / cinder incremental (driver)  %s' % ratio(inc_posix, cinder))
print('  ember->ceph incremental / ember whole-image read        %s' % ratio(inc_ceph, whole))
print('  ember->posix incremental / ember whole-image read       %s' % ratio(inc_posix, whole))
print('  cinder incremental (driver) / ember whole-image read    %s' % ratio(cinder, whole))
print('  ember->ceph unchanged incr. / ember whole-image read    %s' % ratio(('ember-ceph', 'incr. unchanged'), whole))
print('  ember->posix unchanged incr. / ember whole-image read   %s' % ratio(('ember-posix', 'incr. unchanged'), whole))
EOF
finish
