#!/usr/bin/env bash
# run-bench.sh - Ember vs Cinder (its real PosixBackupDriver, tests/interop/cinder_posix.py),
# borg and restic on the same realistic volume and the same volume states in the same run.
# Builds nothing.
#
# Usage: bash tests/bench/run-bench.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   volume size, default 1024 (a third zeros, a third ext4 with /usr/share
#              files, a third random)
# Per compression (BENCH_COMPRESSIONS, default "zlib none") and per tool, from a fresh copy
# of the volume into a fresh store:
#   full backup, unchanged incremental, 5%-changed incremental, two more 5% incrementals
#   (a chain of depth 5; every tool sees the same volume states: volume.py mutate, seeds
#   1, 2, 3), then a restore of the newest backup into a NEW file, byte-compared (cmp).
#   Ember restores twice: with ember_restore_md5=check (the default) and =skip.
#   Ember's chain then grows by more 5% incrementals (seeds 4, 5, ...) up to the largest of
#   BENCH_DEPTHS; at each depth it restores the newest backup (check and skip): restore time
#   vs chain depth, and depth-N / depth-1 (target: within 20%).
# Tools and how they are configured (printed by the run too):
#   ember   ember-cli, posix backend with Cinder's defaults (1999994880-byte objects,
#           32 KiB SHA blocks), zlib through ISA-L, or none. The skip restores use a second
#           Ember home whose backend (same directory) has ember_restore_md5=skip and whose
#           catalog comes from backend-rescan. zlib also runs once more with
#           ember_zlib_engine=zlib (the zlib library at Cinder's level 6), rows
#           "zlib/zlib-library" (BENCH_ZLIB_LIBRARY=0 skips it).
#   cinder  Cinder's PosixBackupDriver, same defaults; its seconds are its driver call only
#           (the "(process)" rows add its Python start-up, 3-7 s: a cinder-backup service
#           is long-running). Depth 5 only (its zlib full alone takes ~90 s per GiB).
#   borg    borg 1.2, `borg create --files-cache=disabled` (every backup reads the whole
#           image, as of a block device), `--encryption none`, compression zlib,6 in the
#           zlib table and lz4 (borg's default) in the none table; default chunker;
#           restore `borg extract --stdout ::newest > new file`.
#   restic  restic 0.14 (repository v2), `restic backup --force vol.img` (re-reads the whole
#           image every time), --compression auto (zstd) in the zlib table and off in the
#           none table; always encrypted (AES-256 + Poly1305; password from a file through
#           RESTIC_PASSWORD_FILE); restore `restic restore latest --target new dir`.
#   borg and restic restore only the newest archive/snapshot: chain depth does not matter
#   to them by design. Their depth-20 chain and restore run with BENCH_PEER_DEPTH20=1
#   (15 more full reads of the volume per tool and compression: off by default).
# Caches: the page cache is warm for every tool alike (the volume was just copied; nothing
# is dropped); every timed step starts after a `sync`, so the writeback of what the
# previous step wrote is not counted in the next one. borg's and restic's own caches (chunk index, repository index) live in the
# work dir, are created with their repository and kept along its chain, as on a host that
# backs up every day; Ember's and Cinder's state is their catalog/database, kept alike.
# Prints per compression a table of seconds, MB/s (volume MB / s), peak RSS (/usr/bin/time
# %M) and Ember/peer ratios (time and RSS: below 1 means Ember is faster / smaller), the
# depth table, and the targets with MET / NOT MET.
# Duration: ~15 minutes for 1 GiB on the 2-core dev machine; a smaller SIZE_MIB for a
# quick run.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench; needs ~8x SIZE free),
#        BENCH_COMPRESSIONS ("zlib none"), BENCH_TOOLS ("ember cinder borg restic"),
#        BENCH_DEPTHS ("1 5 10 20", Ember's restore depths), BENCH_PEER_DEPTH20 (0),
#        BENCH_KEEP=1 (keep BENCH_DIR), BENCH_OBJECT_SIZE (Ember and Cinder; default
#        Cinder's 1999994880), BENCH_ZLIB_LIBRARY=0.
set -euo pipefail

BENCH_TAG=bench
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
HARNESS=$ROOT/tests/interop/cinder_posix.py
W=${BENCH_DIR:-/tmp/ember-bench}
COMPRESSIONS=${BENCH_COMPRESSIONS:-zlib none}
TOOLS=${BENCH_TOOLS:-ember cinder borg restic}
DEPTHS=${BENCH_DEPTHS:-1 5 10 20}
VOLUME_ID=5f0c9a4e-1b7d-4c52-9d1e-0b3e8f2a6c11
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-1999994880} # Cinder's posix backup_file_size default

has_tool() { [[ " $TOOLS " == *" $1 "* ]]; }
if has_tool ember; then [ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"; fi
if has_tool cinder; then "$PY" -c 'import cinder.backup.drivers.posix' 2>/dev/null || die "python3-cinder is missing"; fi
if has_tool borg; then command -v borg >/dev/null || die "borg is missing (Debian package 'borgbackup')"; fi
if has_tool restic; then command -v restic >/dev/null || die "restic is missing (Debian package 'restic')"; fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
command -v mke2fs >/dev/null || die "mke2fs is missing (Debian package 'e2fsprogs')"
for depth in $DEPTHS; do [[ "$depth" =~ ^[1-9][0-9]*$ ]] || die "BENCH_DEPTHS: '$depth' is not a depth"; done

new_work_dir
if [ "${BENCH_KEEP:-0}" != 1 ]; then trap 'rm -rf "$W"' EXIT; fi
if has_tool ember; then
  # a copy: a rebuild of the tree during the run must not mix two binaries in one table
  log "ember-cli: $CLI of $(date -u -r "$CLI" '+%F %T UTC')"
  cp "$CLI" "$W/ember-cli"
  CLI=$W/ember-cli
fi

make_volume "making a ${SIZE_MIB} MiB volume"
# rows of RESULTS (record): tool compression operation seconds peak_kb

# how each peer compresses in the table of an Ember compression
borg_compression() { if [ "$1" = zlib ]; then echo zlib,6; else echo lz4; fi; }
restic_compression() { if [ "$1" = zlib ]; then echo auto; else echo off; fi; }

# the label of a chain's backup number N (1 = the full backup)
backup_label() {
  case $1 in
    1) echo "full backup" ;;
    2) echo "incremental, unchanged" ;;
    3) echo "incremental, 5% changed" ;;
    *) echo "incremental #$1 (5%)" ;;
  esac
}

# ---------------------------------------------------------------- Cinder
CINDER_DB=
cinder_start() { # compression
  CINDER_DB=$W/cinder-db.json
  rm -f "$CINDER_DB"
  CINDER_COMPRESSION=$1
}
cinder_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "$PY" "$HARNESS" backup --volume-file "$W/vol.img" --volume-id "$VOLUME_ID" \
    --posix-path "$W/store" --db "$CINDER_DB" --compression "$CINDER_COMPRESSION" \
    --object-size "$OBJECT_SIZE" "${inc[@]}"
  record cinder "$1" "$2" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "$2 (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_restore() { # compression depth
  timed "$PY" "$HARNESS" restore --volume-file "$W/restored.img" --posix-path "$W/store" --db "$CINDER_DB"
  record cinder "$1" "restore depth $2" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "restore depth $2 (process)" "$ELAPSED" "$PEAK_KB"
}
cinder_store() { du -sm "$W/store" | cut -f1; }
cinder_finish() { :; }

# ---------------------------------------------------------------- Ember
EMBER_NEWEST=
# ember-cli with the benchmark's data directory (EMBER) or the MD5-skipping one (EMBER_SKIP):
# commands, not functions, so that timed can run them under /usr/bin/time
EMBER=(env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" "$CLI")
EMBER_SKIP=(env EMBER_HOME="$W/ember-skip" XDG_DATA_HOME="$W/ember-skip/xdg" "$CLI")
ember_start() { # compression
  rm -rf "$W/ember-home" "$W/ember-skip"
  mkdir -p "$W/ember-home" "$W/ember-skip"
  EMBER_NEWEST=
  "${EMBER[@]}" backend-add-local bench "$W/store" --compression "$1" --object-size "$OBJECT_SIZE" --default >/dev/null
  "${EMBER[@]}" volume-add "$W/vol.img" --name bench-volume >/dev/null
  # the same store seen by a backend that skips the objects' MD5 on restore
  "${EMBER_SKIP[@]}" backend-add bench posix --option "backup_posix_path=$W/store" \
    --option "backup_compression_algorithm=$1" --option "backup_file_size=$OBJECT_SIZE" \
    --option ember_restore_md5=skip --default >/dev/null
}
ember_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed "${EMBER[@]}" --format json backup-create "${inc[@]}" bench-volume
  EMBER_NEWEST=$(first_id)
  [ -n "$EMBER_NEWEST" ] || die "ember-cli backup-create printed no backup id"
  record ember "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
ember_restore() { # compression depth
  # a new file each time: backup-restore --path registers it as a new volume
  RESTORED=$W/restored-$2.img
  timed "${EMBER[@]}" --format json backup-restore --path "$RESTORED" "$EMBER_NEWEST"
  record ember "$1" "restore depth $2" "$ELAPSED" "$PEAK_KB"
  cmp "$W/vol.img" "$RESTORED" || die "ember restore (MD5 check) at depth $2 differs from the volume"
  rm -f "$RESTORED"
  RESTORED=$W/restored-$2-skip.img
  "${EMBER_SKIP[@]}" backend-rescan bench >/dev/null
  timed "${EMBER_SKIP[@]}" --format json backup-restore --path "$RESTORED" "$EMBER_NEWEST"
  record ember "$1" "restore depth $2, MD5 skip" "$ELAPSED" "$PEAK_KB"
}
ember_store() { du -sm "$W/store" | cut -f1; }
ember_finish() { :; }

# Ember writing zlib streams with the zlib library (Cinder's level 6) instead of
# ISA-L, to show the speed and ratio of each choice (rows "zlib/zlib-library").
emberlib_start() { # compression
  ember_start "$1"
  "${EMBER[@]}" backend-remove bench >/dev/null 2>&1 || true
  "${EMBER[@]}" backend-add bench posix --option "backup_posix_path=$W/store" --option "backup_compression_algorithm=$1" \
    --option "backup_file_size=$OBJECT_SIZE" --option ember_zlib_engine=zlib --default >/dev/null
}
emberlib_backup() { ember_backup "$1/zlib-library" "$2" "$3"; }
emberlib_restore() { # compression depth
  RESTORED=$W/restored-$2.img
  timed "${EMBER[@]}" --format json backup-restore --path "$RESTORED" "$EMBER_NEWEST"
  record ember "$1/zlib-library" "restore depth $2" "$ELAPSED" "$PEAK_KB"
}
emberlib_store() { ember_store; }
emberlib_finish() { :; }

# ---------------------------------------------------------------- borg
BORG_N=0
# borg in the work dir (archives hold the relative path "vol.img"), its state in the work dir
BORG=(env -C "$W" BORG_REPO="$W/borg-repo" BORG_BASE_DIR="$W/borg-base" BORG_CACHE_DIR="$W/borg-cache"
  BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes BORG_RELOCATED_REPO_ACCESS_IS_OK=yes borg)
borg_start() { # compression
  rm -rf "$W/borg-repo" "$W/borg-base" "$W/borg-cache"
  BORG_N=0
  "${BORG[@]}" init --encryption none >/dev/null 2>&1 || die "borg init failed"
}
borg_backup() { # compression operation incremental(0|1)
  BORG_N=$((BORG_N + 1))
  timed "${BORG[@]}" create --files-cache=disabled --compression "$(borg_compression "$1")" "::a$BORG_N" vol.img
  record borg "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
borg_restore() { # compression depth
  # timed sends stdout to out.json: a shell sends borg's to the new file ($0)
  # shellcheck disable=SC2016 # the inner shell expands its arguments
  timed sh -c 'exec "$@" >"$0"' "$W/restored.img" "${BORG[@]}" extract --stdout "::a$BORG_N"
  record borg "$1" "restore depth $2" "$ELAPSED" "$PEAK_KB"
}
borg_store() { du -sm "$W/borg-repo" | cut -f1; }
borg_finish() { rm -rf "$W/borg-repo" "$W/borg-base" "$W/borg-cache"; }

# ---------------------------------------------------------------- restic
# restic in the work dir (snapshots hold "vol.img"); the password from a file, not the command line
RESTIC=(env -C "$W" RESTIC_REPOSITORY="$W/restic-repo" RESTIC_PASSWORD_FILE="$W/restic-password"
  RESTIC_CACHE_DIR="$W/restic-cache" restic)
restic_start() { # compression
  rm -rf "$W/restic-repo" "$W/restic-cache"
  (umask 077 && head -c 24 /dev/urandom | base64 >"$W/restic-password")
  "${RESTIC[@]}" init --quiet --repository-version 2 >/dev/null 2>&1 || die "restic init failed"
}
restic_backup() { # compression operation incremental(0|1)
  timed "${RESTIC[@]}" backup --quiet --force --compression "$(restic_compression "$1")" vol.img
  record restic "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
restic_restore() { # compression depth
  rm -rf "$W/restic-restore"
  timed "${RESTIC[@]}" restore --quiet latest --target "$W/restic-restore"
  record restic "$1" "restore depth $2" "$ELAPSED" "$PEAK_KB"
  mv "$W/restic-restore/vol.img" "$W/restored.img"
  rm -rf "$W/restic-restore"
}
restic_store() { du -sm "$W/restic-repo" | cut -f1; }
restic_finish() { rm -rf "$W/restic-repo" "$W/restic-cache"; }

# ---------------------------------------------------------------- the runs
log "tools: $TOOLS; compressions: $COMPRESSIONS; Ember depths: $DEPTHS"
log "borg $(borg --version 2>/dev/null | cut -d' ' -f2), restic $(restic version 2>/dev/null | cut -d' ' -f2)"
for compression in $COMPRESSIONS; do
  tools=$TOOLS
  if [ "$compression" = zlib ] && [ "${BENCH_ZLIB_LIBRARY:-1}" = 1 ] && has_tool ember; then tools="$tools emberlib"; fi
  for tool in $tools; do
    # the depths whose newest backup this tool restores
    case $tool in
      ember) restore_depths="5 $DEPTHS" ;;
      borg | restic) if [ "${BENCH_PEER_DEPTH20:-0}" = 1 ]; then restore_depths="5 20"; else restore_depths=5; fi ;;
      *) restore_depths=5 ;;
    esac
    # shellcheck disable=SC2086 # a list of depths
    restore_depths=$(printf '%s\n' $restore_depths | sort -nu | xargs)
    chain=${restore_depths##* }
    case $tool in
      borg) peer=" ($(borg_compression "$compression"))" ;;
      restic) peer=" ($(restic_compression "$compression"))" ;;
      *) peer= ;;
    esac
    log "== $tool, compression $compression$peer, chain of $chain, restores at depths $restore_depths"
    rm -rf "$W/store" "$W"/restored*.img
    cp "$W/base.img" "$W/vol.img"
    "${tool}_start" "$compression"
    for ((n = 1; n <= chain; n++)); do
      # the volume state of backup n: 1 and 2 the base, then one 5% change each
      if [ "$n" -ge 3 ]; then "$PY" "$HERE/volume.py" mutate "$W/vol.img" 5 $((n - 2)) 2>/dev/null; fi
      "${tool}_backup" "$compression" "$(backup_label "$n")" "$([ "$n" = 1 ] && echo 0 || echo 1)"
      if [[ " $restore_depths " == *" $n "* ]]; then
        RESTORED=$W/restored.img # the restore functions may name another new file
        rm -f "$RESTORED"
        "${tool}_restore" "$compression" "$n"
        cmp "$W/vol.img" "$RESTORED" || die "$tool restore at depth $n differs from the volume"
        log "$tool restore at depth $n matches the volume byte for byte"
        rm -f "$RESTORED"
      fi
      if [ "$n" = 5 ]; then # the store of the depth-5 chain, the same for every tool
        if [ "$tool" = emberlib ]; then label=(ember "$compression/zlib-library"); else label=("$tool" "$compression"); fi
        printf '%s\t%s\tstore MiB\t%s\t0\n' "${label[@]}" "$("${tool}_store")" >>"$RESULTS"
      fi
    done
    "${tool}_finish"
    rm -rf "$W/store" "$W"/restored*.img
  done
done

# ---------------------------------------------------------------- the tables
BORG_VERSION=$(borg --version 2>/dev/null || echo 'borg ?')
RESTIC_VERSION=$(restic version 2>/dev/null | cut -d' ' -f1-2 || echo 'restic ?')
"$PY" "$HERE/benchtable.py" "$RESULTS" "$SIZE_BYTES" "$BORG_VERSION" "$RESTIC_VERSION"
finish
