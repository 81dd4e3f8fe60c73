#!/usr/bin/env bash
# run-bench-encryption.sh - what encryption at rest costs (issue 16): full backup and
# restore of the benchmark volume with encryption off and on, in the same run, through
# ember-cli against a posix backend. Builds nothing.
#
# Usage: bash tests/bench/run-bench-encryption.sh BUILD_DIR [SIZE_MIB]
#   BUILD_DIR  a configured and built tree (needs app/ember-cli)
#   SIZE_MIB   volume size, default 1024 (volume.py's mix: a third zeros, a third ext4
#              with /usr/share files, a third random)
# One master key (key-create, then key-export --output so it counts as exported, as
# backend-add requires) and per compression (BENCH_COMPRESSIONS, default "zlib none")
# two posix backends with Cinder's defaults (1999994880-byte objects, 32 KiB SHA blocks):
# one in the clear, one with backup_ember_encryption=aes-256-gcm under that key.
# BENCH_REPEAT rounds (default 3); each round backs up the volume (full) and restores
# that backup into a new file, clear then encrypted, byte-compares the restore and
# deletes the backup. Prints the best of the rounds per operation, every round's
# seconds, and the ratio encrypted/clear, checked against the target (encryption costs
# under 10% of the time: ratio < 1.10). Reports, never fails on the ratio.
# Duration: ~3-4 minutes for 1 GiB and 3 rounds on the 2-core dev machine.
# Knobs: BENCH_DIR (work dir, default /tmp/ember-bench-encryption; needs ~4x SIZE free),
#        BENCH_COMPRESSIONS, BENCH_REPEAT, BENCH_KEEP=1 (keep BENCH_DIR),
#        BENCH_OBJECT_SIZE (default Cinder's 1999994880).
set -euo pipefail

BENCH_TAG=bench-encryption
# shellcheck source=tests/bench/benchlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/benchlib.sh"
BUILD=${1:?usage: run-bench-encryption.sh BUILD_DIR [SIZE_MIB]}
SIZE_MIB=${2:-1024}
BUILD=$(cd "$BUILD" && pwd)
CLI=$BUILD/app/ember-cli
W=${BENCH_DIR:-/tmp/ember-bench-encryption}
COMPRESSIONS=${BENCH_COMPRESSIONS:-zlib none}
REPEAT=${BENCH_REPEAT:-3}
OBJECT_SIZE=${BENCH_OBJECT_SIZE:-1999994880} # Cinder's posix backup_file_size default

[ -x "$CLI" ] || die "$CLI is missing: build the ember-cli target first"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
command -v mke2fs >/dev/null || die "mke2fs is missing (Debian package 'e2fsprogs')"

new_work_dir
if [ "${BENCH_KEEP:-0}" != 1 ]; then trap 'rm -rf "$W"' EXIT; fi

make_volume "making a ${SIZE_MIB} MiB volume"
cp "$W/base.img" "$W/vol.img"

# no keyring here: the secret store's explicit file fallback (0600, in EMBER_HOME) holds
# the master key, as on a keyring-less server
ember_env=(env EMBER_HOME="$W/ember-home" XDG_DATA_HOME="$W/ember-home/xdg" EMBER_ALLOW_FILE_SECRETS=1
           DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/ember-no-bus)
ember() { "${ember_env[@]}" "$CLI" "$@"; }

mkdir -p "$W/ember-home"
ember --format json key-create --label "encryption benchmark" >"$W/key.json" 2>"$W/err.txt" ||
  { cat "$W/err.txt" >&2; die "key-create failed"; }
FINGERPRINT=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$W/key.json")
ember key-export "$FINGERPRINT" --output "$W/master-key.txt" >/dev/null 2>"$W/err.txt" ||
  { cat "$W/err.txt" >&2; die "key-export failed"; }
log "master key $FINGERPRINT, exported to $W/master-key.txt"
ember volume-add "$W/vol.img" --name bench-volume >/dev/null

for compression in $COMPRESSIONS; do
  for mode in clear encrypted; do
    options=(--option "backup_posix_path=$W/store-$mode-$compression"
             --option "backup_compression_algorithm=$compression"
             --option "backup_file_size=$OBJECT_SIZE")
    if [ "$mode" = encrypted ]; then
      options+=(--option backup_ember_encryption=aes-256-gcm --option "ember_encryption_key=$FINGERPRINT")
    fi
    ember backend-add "$mode-$compression" posix "${options[@]}" >/dev/null 2>"$W/err.txt" ||
      { cat "$W/err.txt" >&2; die "backend-add $mode-$compression failed"; }
  done
done

# one round of one mode: full backup, restore into a new file, compare, delete
round() { # compression mode round
  local backend=$2-$1 id restored=$W/restored-$2-$1-$3.img
  timed "${ember_env[@]}" "$CLI" --format json backup-create --backend "$backend" \
    --name "$backend round $3" bench-volume
  id=$(first_id)
  [ -n "$id" ] || die "ember-cli backup-create printed no backup id"
  record "$1" "$2" "full backup" "$ELAPSED" "$PEAK_KB"
  # the catalog says what was measured: aes-256-gcm under the key, or in the clear
  ember --format json backup-show "$id" 2>/dev/null >"$W/show.json"
  "$PY" -c 'import json,sys; b=json.load(open(sys.argv[1]))
want=(None,None) if sys.argv[2]=="clear" else ("aes-256-gcm",sys.argv[3])
sys.exit(0 if (b.get("encryption"),b.get("encryption_key"))==want else 1)' "$W/show.json" "$2" "$FINGERPRINT" ||
    die "backup $id on $backend is not recorded as $2 (see $W/show.json)"
  printf '%s\t%s\tstore MiB\t%s\t0\n' "$1" "$2" "$(du -sm "$W/store-$2-$1" | cut -f1)" >>"$RESULTS"
  timed "${ember_env[@]}" "$CLI" --format json backup-restore --path "$restored" \
    --name "restored-$backend-$3" "$id"
  record "$1" "$2" "restore" "$ELAPSED" "$PEAK_KB"
  cmp "$W/vol.img" "$restored" || die "$backend restore differs from the volume"
  rm -f "$restored"
  ember backup-delete "$id" >/dev/null 2>"$W/err.txt" || { cat "$W/err.txt" >&2; die "backup-delete $id failed"; }
}

# the rounds alternate clear and encrypted, so both see the same machine
for compression in $COMPRESSIONS; do
  for ((r = 1; r <= REPEAT; r++)); do
    log "== compression $compression, round $r of $REPEAT"
    round "$compression" clear "$r"
    round "$compression" encrypted "$r"
  done
done
# every restore above was compared with the volume byte for byte

# ---------------------------------------------------------------- the table
"$PY" - "$RESULTS" "$SIZE_BYTES" <<'EOF'
import collections, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.strip()]
size_mb = int(sys.argv[2]) / 1e6
runs = collections.OrderedDict()  # (compression, operation) -> mode -> [(s, kb)]
for comp, mode, op, secs, kb in rows:
    runs.setdefault((comp, op), {}).setdefault(mode, []).append((float(secs), int(kb)))

TARGET = 1.10
print()
print('Volume: %.0f MB; best of %d rounds. s = seconds, MB/s = volume MB / s, RSS = peak MiB.'
      % (size_mb, max(len(v) for m in runs.values() for v in m.values())))
print('%-5s %-12s | %-26s | %-26s | %-8s | %s' % ('comp', 'operation', 'clear      s   MB/s  RSS',
                                                 'encrypted  s   MB/s  RSS', 'enc/clr', 'rounds (s): clear / encrypted'))
over = []
for (comp, op), modes in runs.items():
    clear, enc = modes.get('clear', []), modes.get('encrypted', [])
    if op == 'store MiB':
        print('%-5s %-12s | %26s | %26s |' % (comp, 'stored', '%d MiB' % clear[-1][0], '%d MiB' % enc[-1][0]))
        continue
    def best(v):
        return min(v) if v else None
    def cell(b):
        return '%8s %6.2f %6.1f %4d' % ('', b[0], size_mb / b[0] if b[0] > 0 else float('inf'), b[1] // 1024)
    bc, be = best(clear), best(enc)
    ratio = be[0] / bc[0] if bc and be and bc[0] > 0 else float('nan')
    verdict = 'within the 10% target' if ratio < TARGET else 'OVER the 10% target'
    if ratio >= TARGET:
        over.append('%s %s' % (comp, op))
    print('%-5s %-12s | %s | %s | %5.3f    | %s / %s  %s' % (
        comp, op, cell(bc), cell(be), ratio, ' '.join('%.2f' % s for s, _ in clear),
        ' '.join('%.2f' % s for s, _ in enc), verdict))
print()
print('target (encrypted/clear < %.2f): %s' % (TARGET, 'met everywhere' if not over else 'missed for ' + ', '.join(over)))
EOF
finish
