#!/usr/bin/env bash
# run-bench.sh - Ember vs Cinder (its real PosixBackupDriver, tests/interop/cinder_posix.py)
# on the same realistic volume in the same run. Builds nothing.
#
# Usage: bash tests/bench/run-bench.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   volume size, default 1024 (a third zeros, a third ext4 with /usr/share
#              files, a third random)
# Per compression (BENCH_COMPRESSIONS, default "zlib none") and per tool, on a fresh
# POSIX store with Cinder's defaults (1999994880-byte objects, 32 KiB SHA blocks):
#   full backup, unchanged incremental, 5%-changed incremental, two more 5% incrementals
#   (a chain of depth 5), then a restore of the newest backup, byte-compared.
# Prints seconds, MB/s (volume MB / s), peak RSS (/usr/bin/time %M) and Ember/Cinder
# ratios (time and RSS: below 1 means Ember is faster / smaller). Cinder's seconds are
# its driver call only (the "(process)" rows add its Python start-up, 3-7 s): a cinder-backup
# service is long-running. Page cache is warm for both tools alike.
# Duration: ~7 minutes for 1 GiB on the 2-core dev machine under load (Cinder's zlib full
# backup alone ~90 s); pass a smaller SIZE_MIB for a quick run.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench; needs ~8x SIZE free),
#        BENCH_COMPRESSIONS, BENCH_TOOLS ("ember cinder"), BENCH_KEEP=1 (keep BENCH_DIR),
#        BENCH_OBJECT_SIZE (both tools; default Cinder's 1999994880),
#        BENCH_ZLIB_LIBRARY=0 (skip the Ember run that uses the zlib library instead of ISA-L).
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
TOOLS=${BENCH_TOOLS:-ember cinder}
VOLUME_ID=5f0c9a4e-1b7d-4c52-9d1e-0b3e8f2a6c11
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-1999994880} # Cinder's posix backup_file_size default

if [[ " $TOOLS " == *" ember "* ]]; then [ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"; fi
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
"$PY" -c 'import cinder.backup.drivers.posix' 2>/dev/null || die "python3-cinder is missing"
command -v mke2fs >/dev/null || die "mke2fs is missing (Debian package 'e2fsprogs')"

new_work_dir
if [ "${BENCH_KEEP:-0}" != 1 ]; then trap 'rm -rf "$W"' EXIT; fi

make_volume "making a ${SIZE_MIB} MiB volume"
# rows of RESULTS (record): tool compression operation seconds peak_kb

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
cinder_restore() { # compression
  timed "$PY" "$HARNESS" restore --volume-file "$W/restored.img" --posix-path "$W/store" --db "$CINDER_DB"
  record cinder "$1" "restore depth 5" "$(json_field driver_seconds)" "$PEAK_KB"
  record cinder "$1" "restore depth 5 (process)" "$ELAPSED" "$PEAK_KB"
}

# ---------------------------------------------------------------- Ember
EMBER_IDS=()
ember() { EMBER_HOME=$W/ember-home XDG_DATA_HOME=$W/ember-home/xdg "$CLI" "$@"; }
ember_start() { # compression
  rm -rf "$W/ember-home"
  mkdir -p "$W/ember-home"
  EMBER_IDS=()
  ember backend-add-local bench "$W/store" --compression "$1" --object-size "$OBJECT_SIZE" --default >/dev/null
  ember volume-add "$W/vol.img" --name bench-volume >/dev/null
}
ember_backup() { # compression operation incremental(0|1)
  local inc=()
  if [ "$3" = 1 ]; then inc=(--incremental); fi
  timed env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" \
    "$CLI" --format json backup-create "${inc[@]}" bench-volume
  EMBER_IDS+=("$(first_id)")
  record ember "$1" "$2" "$ELAPSED" "$PEAK_KB"
}
ember_restore() { # compression
  local newest=${EMBER_IDS[${#EMBER_IDS[@]}-1]}
  [ -n "$newest" ] || die "ember-cli backup-create printed no backup id"
  timed env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" \
    "$CLI" --format json backup-restore --path "$W/restored.img" "$newest"
  record ember "$1" "restore depth 5" "$ELAPSED" "$PEAK_KB"
}

# Ember writing zlib streams with the zlib library (Cinder's level 6) instead of
# ISA-L, to show the speed and ratio of each choice (rows "zlib/zlib-library").
emberlib_start() { # compression
  ember_start "$1"
  ember backend-remove bench >/dev/null 2>&1 || true
  ember backend-add bench posix --option "backup_posix_path=$W/store" --option "backup_compression_algorithm=$1" \
    --option "backup_file_size=$OBJECT_SIZE" --option ember_zlib_engine=zlib --default >/dev/null
}
emberlib_backup() { ember_backup "$1/zlib-library" "$2" "$3"; }
emberlib_restore() { ember_restore "$1/zlib-library"; }

# ---------------------------------------------------------------- the runs
for compression in $COMPRESSIONS; do
  tools=$TOOLS
  if [ "$compression" = zlib ] && [ "${BENCH_ZLIB_LIBRARY:-1}" = 1 ]; then tools="$tools emberlib"; fi
  for tool in $tools; do
    log "== $tool, compression $compression"
    rm -rf "$W/store" "$W/restored.img"
    cp "$W/base.img" "$W/vol.img"
    "${tool}_start" "$compression"
    "${tool}_backup" "$compression" "full backup" 0
    "${tool}_backup" "$compression" "incremental, unchanged" 1
    "$PY" "$HERE/volume.py" mutate "$W/vol.img" 5 1
    "${tool}_backup" "$compression" "incremental, 5% changed" 1
    "$PY" "$HERE/volume.py" mutate "$W/vol.img" 5 2
    "${tool}_backup" "$compression" "incremental #4 (5%)" 1
    "$PY" "$HERE/volume.py" mutate "$W/vol.img" 5 3
    "${tool}_backup" "$compression" "incremental #5 (5%)" 1
    "${tool}_restore" "$compression"
    cmp "$W/vol.img" "$W/restored.img" || die "$tool restore differs from the volume"
    log "$tool restore matches the volume byte for byte; store: $(du -sm "$W/store" | cut -f1) MiB"
    if [ "$tool" = emberlib ]; then label=(ember "$compression/zlib-library"); else label=("$tool" "$compression"); fi
    printf '%s\t%s\tstore MiB\t%s\t0\n' "${label[@]}" "$(du -sm "$W/store" | cut -f1)" >>"$RESULTS"
    rm -rf "$W/store" "$W/restored.img"
  done
done

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$SIZE_BYTES" <<'EOF'
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
    if op == 'store MiB':
        return '%8s %9s %8s' % ('', '%d MiB' % secs, '')
    rate = size_mb / secs if secs > 0 else float('inf')
    return '%8.2f %9.1f %8d' % (secs, rate, kb // 1024)

print()
print('Volume: %.0f MB. s = seconds, MB/s = volume MB / s, RSS = peak MiB.' % size_mb)
print('%-5s %-36s | %-28s | %-28s | %s' % ('comp', 'operation', 'Ember  s     MB/s     RSS',
                                          'Cinder s     MB/s     RSS', 'Ember/Cinder time, RSS'))
for (comp, op), tools in data.items():
    e, c = tools.get('ember'), tools.get('cinder')
    ratio = ''
    if e and c and op != 'store MiB':
        ratio = '%5.2f  %5.2f' % (e[0] / c[0] if c[0] else float('nan'), e[1] / c[1] if c[1] else float('nan'))
    elif e and c:
        ratio = '%5.2f' % (e[0] / c[0] if c[0] else float('nan'))
    print('%-5s %-36s | %s | %s | %s' % (comp, op, cell(e, op), cell(c, op), ratio))
EOF
finish
