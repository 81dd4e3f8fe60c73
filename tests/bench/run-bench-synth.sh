#!/usr/bin/env bash
# run-bench-synth.sh - a synthetic full backup (ember-cli backup-synthesize) at the end of
# a depth-5 chain, against the chain restore of the same backup and a fresh full backup
# of the volume, in the same run. Builds nothing; a benchmark, not a CTest test.
#
# Usage: bash tests/bench/run-bench-synth.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   volume size, default 1024 (tests/bench/volume.py's mix: a third zeros, a
#              third ext4 with /usr/share files, a third random)
# On a fresh POSIX store (compression BENCH_COMPRESSION, default zlib; Cinder's
# 1999994880-byte objects, 32 KiB SHA blocks): a full backup and 4 incrementals, each
# after ~10% of the volume changed in 64 KiB..1 MiB runs at scattered offsets
# (volume.py mutate 10 SEED). Then, timed under /usr/bin/time:
#   (a) ember-cli backup-synthesize of the newest backup (reads the chain's objects,
#       writes a new full; the volume is not read),
#   (b) ember-cli backup-restore of the same backup into a new file (the chain restore),
#   (c) ember-cli backup-create of a fresh full backup of the volume.
# The synthetic full and the chain restore are byte-compared with the volume (untimed).
# Prints the three times, peak RSS, and the ratios synth/restore (target <= 1) and
# synth/full (target < 1). Page cache is warm for all three alike.
# Duration: ~3 minutes for 1 GiB on the 2-core dev machine; a smaller SIZE_MIB is quicker.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench-synth; needs ~5x SIZE free),
#        BENCH_COMPRESSION, BENCH_OBJECT_SIZE, BENCH_KEEP=1 (keep BENCH_DIR).
set -euo pipefail

BENCH_TAG=bench-synth
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-synth.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
W=${BENCH_DIR:-/tmp/ember-bench-synth}
COMPRESSION=${BENCH_COMPRESSION:-zlib}
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-1999994880} # Cinder's posix backup_file_size default

[ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
command -v mke2fs >/dev/null || die "mke2fs is missing (Debian package 'e2fsprogs')"

new_work_dir
if [ "${BENCH_KEEP:-0}" != 1 ]; then trap 'rm -rf "$W"' EXIT; fi

make_volume "making a ${SIZE_MIB} MiB volume"
cp "$W/base.img" "$W/vol.img"

ember() { EMBER_HOME=$W/ember-home XDG_DATA_HOME=$W/ember-home/xdg "$CLI" "$@"; }
timed_ember() { timed env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" "$CLI" --format json "$@"; }
mkdir -p "$W/ember-home"
ember backend-add-local bench "$W/store" --compression "$COMPRESSION" --object-size "$OBJECT_SIZE" --default >/dev/null
ember volume-add "$W/vol.img" --name bench-volume >/dev/null

# ---------------------------------------------------------------- the chain (untimed rows)
log "== depth-5 chain, compression $COMPRESSION"
timed_ember backup-create --name "full" bench-volume
NEWEST=$(first_id)
record chain "full backup" "$ELAPSED" "$PEAK_KB"
for n in 1 2 3 4; do
  "$PY" "$HERE/volume.py" mutate "$W/vol.img" 10 "$n"
  timed_ember backup-create --incremental --name "incremental $n" bench-volume
  NEWEST=$(first_id)
  record chain "incremental $n (10% changed)" "$ELAPSED" "$PEAK_KB"
done
[ -n "$NEWEST" ] || die "ember-cli backup-create printed no backup id"

# ---------------------------------------------------------------- the three timings
timed_ember backup-synthesize --name "synthetic full" "$NEWEST"
SYNTH_ID=$(json_field id)
record synth "(a) backup-synthesize" "$ELAPSED" "$PEAK_KB"
SYNTH_S=$ELAPSED

timed_ember backup-restore --path "$W/restored-chain.img" "$NEWEST"
record synth "(b) backup-restore (chain of 5)" "$ELAPSED" "$PEAK_KB"
RESTORE_S=$ELAPSED
cmp "$W/vol.img" "$W/restored-chain.img" || die "the chain restore differs from the volume"
rm -f "$W/restored-chain.img"

timed_ember backup-create --name "fresh full" bench-volume
record synth "(c) backup-create, fresh full" "$ELAPSED" "$PEAK_KB"
FULL_S=$ELAPSED

# the synthetic full holds the volume's state (not timed)
ember backup-restore --path "$W/restored-synth.img" "$SYNTH_ID" >/dev/null
cmp "$W/vol.img" "$W/restored-synth.img" || die "the synthetic full differs from the volume"
log "the synthetic full and the chain restore match the volume byte for byte"
rm -f "$W/restored-synth.img"

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$SIZE_BYTES" "$SYNTH_S" "$RESTORE_S" "$FULL_S" <<'EOF'
import sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
size_mb = int(sys.argv[2]) / 1e6
synth, restore, full = (float(v) for v in sys.argv[3:6])
print()
print('Volume: %.0f MB. s = seconds, MB/s = volume MB / s, RSS = peak MiB.' % size_mb)
print('%-6s %-34s %8s %9s %8s' % ('', 'operation', 's', 'MB/s', 'RSS'))
for group, op, secs, kb in rows:
    secs = float(secs)
    rate = size_mb / secs if secs > 0 else float('inf')
    print('%-6s %-34s %8.2f %9.1f %8d' % (group, op, secs, rate, int(kb) // 1024))
print()
def ratio(a, b):
    return a / b if b > 0 else float('nan')
print('synth/restore %.2f (target <= 1: %s)' % (ratio(synth, restore),
                                                 'met' if synth <= restore else 'NOT met'))
print('synth/full    %.2f (target <  1: %s)' % (ratio(synth, full),
                                                 'met' if synth < full else 'NOT met'))
EOF
finish
