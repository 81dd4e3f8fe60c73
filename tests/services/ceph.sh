#!/usr/bin/env bash
# ceph.sh - throw-away single-node Ceph (Debian 12: Pacific 16.2.x) on 127.0.0.1 for
# Ember's tests and CI: one mon, one mgr, one OSD (bluestore on a sparse file), cephx,
# RBD pools "volumes" and "backups" (size 1, application rbd) and a least-privilege
# client "backup" (profile rbd on both pools), like a Cinder backup service gets.
# Derived from the proven shared recipe ceph-micro.sh; never installs packages
# (scripts/install-deps.sh does, in one apt-get call).
#
# Usage: ceph.sh start|stop|status|env|selftest DATA_DIR
#   start     create the cluster in DATA_DIR (or restart its stopped daemons) and
#             print the connection facts as KEY=VALUE lines on stdout (progress
#             goes to stderr), so `eval "$(ceph.sh start DIR)"` works.
#             Idempotent: running daemons are left alone.
#   stop      stop exactly the daemons started from DATA_DIR (pid files), keep the data.
#   status    show daemons and `ceph -s`; exit 0 only if all daemons are up.
#   env       print the connection facts again.
#   selftest  real I/O: rbd create/write/snapshot/export-diff/import-diff/compare.
#   DATA_DIR  keep it short: admin sockets live in DATA_DIR/run and Unix socket
#             paths are limited to 107 bytes. To start afresh: stop, rm -rf DATA_DIR.
#
# Knobs (environment):
#   EMBER_CEPH_STORE=bluestore|memstore  OSD backend (memstore keeps all data in RAM)
#   EMBER_CEPH_STORE_GB=10               capacity (sparse file size / memstore limit);
#                                        the cluster stops accepting writes at 95% full
#   EMBER_CEPH_MGR=1                     run ceph-mgr (pg stats, HEALTH_OK, rbd_support)
#   EMBER_CEPH_POOLS="volumes backups"   RBD pools created at first start
#   EMBER_CEPH_TIMEOUT=120               seconds to wait for the cluster to be usable
set -euo pipefail

CMD=${1:-}
DATA_DIR=${2:-}
STORE=${EMBER_CEPH_STORE:-bluestore}
STORE_GB=${EMBER_CEPH_STORE_GB:-10}
WITH_MGR=${EMBER_CEPH_MGR:-1}
POOLS=${EMBER_CEPH_POOLS:-volumes backups}
TIMEOUT=${EMBER_CEPH_TIMEOUT:-120}

log() { printf '[ceph %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0" >&2; exit 2; }
case "$CMD" in start|stop|status|env|selftest) ;; *) usage ;; esac
[ -n "$DATA_DIR" ] || usage

if [ "$CMD" = start ]; then mkdir -p "$DATA_DIR"; fi
if [ ! -d "$DATA_DIR" ]; then
  [ "$CMD" = stop ] && exit 0
  echo "no cluster in $DATA_DIR" >&2; exit 3
fi
DATA_DIR=$(cd "$DATA_DIR" && pwd -P)
CONF=$DATA_DIR/ceph.conf
# every ceph tool (ceph-authtool too) reads CEPH_CONF/CEPH_ARGS: never inherit another cluster's
unset CEPH_ARGS CEPH_KEYRING
export CEPH_CONF=$CONF
KEYRING=$DATA_DIR/keyring
RUN=$DATA_DIR/run
LOGS=$DATA_DIR/log
MARK=$DATA_DIR/.ember-ceph
READY=$DATA_DIR/.ready

# ---------------------------------------------------------------- helpers
# Packages come from scripts/install-deps.sh; name the missing ones instead of installing.
ensure_packages() {
  local need=()
  command -v ceph-mon >/dev/null || need+=(ceph-mon)
  command -v ceph-osd >/dev/null || need+=(ceph-osd)
  { command -v ceph >/dev/null && command -v rbd >/dev/null && command -v rados >/dev/null \
    && command -v ceph-authtool >/dev/null; } || need+=(ceph-common)
  if [ "$WITH_MGR" = 1 ]; then command -v ceph-mgr >/dev/null || need+=(ceph-mgr); fi
  [ -x /usr/bin/python3 ] || need+=(python3)
  if [ ${#need[@]} -gt 0 ]; then
    die "missing Debian packages: ${need[*]} (run: sudo bash scripts/install-deps.sh)"
  fi
}

# N free TCP ports on 127.0.0.1 outside the kernel's ephemeral range and outside
# ceph's own 6800-7300 range, checked by binding them all at once.
free_ports() {
  /usr/bin/python3 - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1]); socks = []; ports = []
while len(ports) < n:
    p = random.randrange(20000, 32000)
    if p in ports: continue
    s = socket.socket()
    try:
        s.bind(('127.0.0.1', p))
    except OSError:
        s.close(); continue
    socks.append(s); ports.append(p)
print(' '.join(map(str, ports)))
EOF
}

C() { timeout 60 ceph -c "$CONF" --connect-timeout 20 "$@"; }

# pid of a daemon of ours if it runs: pid file exists, process alive, its command
# line mentions our ceph.conf (so a recycled pid never matches).
daemon_pid() {
  local f=$RUN/$1.pid pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f"); [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$CONF" || return 1
  echo "$pid"
}

daemons() { # the daemons this cluster has, in start order
  echo mon.a osd.0
  if [ -f "$DATA_DIR/mgr/keyring" ]; then echo mgr.x; fi
}

wait_for() { # description, command...
  local what=$1; shift
  local end=$((SECONDS + TIMEOUT))
  local n
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "timeout (${TIMEOUT}s) waiting for $what; logs in $LOGS"
    for n in $(daemons); do   # fail fast when a process died (port taken, bad config...)
      if [ -e "$RUN/$n.pid" ] && ! daemon_pid "$n" >/dev/null; then
        tail -n 5 "$LOGS/$n.log" >&2 2>/dev/null || true
        die "$n died while waiting for $what; logs in $LOGS"
      fi
    done
    sleep 0.5
  done
}

osd_up() { C osd dump -f json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(o["up"] for o in d["osds"]) else 1)'; }
mgr_up() { C mgr dump -f json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d.get("available") else 1)'; }
pool_io() { # a stat of a missing object answers ENOENT only once the pool's PG is active
  local p out
  for p in $POOLS; do
    out=$(timeout 10 rados -c "$CONF" -p "$p" stat __probe__ 2>&1 || true)
    [[ $out == *"No such file"* ]] || return 1
  done
}

print_env() {
  local p2 p1
  p2=$P_MON_V2 p1=$P_MON_V1
  echo "CEPH_CONF=$CONF"
  echo "CEPH_KEYRING=$KEYRING"
  echo "CEPH_CLIENT_ID=admin"
  echo "CEPH_MON_HOST=[v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]"
  echo "CEPH_ADMIN_KEY=$(awk '$1 == "key" {print $3; exit}' "$KEYRING")"
  echo "CEPH_BACKUP_CLIENT_ID=backup"
  echo "CEPH_BACKUP_KEYRING=$DATA_DIR/client.backup.keyring"
  echo "CEPH_POOLS=\"$POOLS\""
}

# ---------------------------------------------------------------- config
# the cluster's fixed facts, chosen at creation, kept in $DATA_DIR/params
load_params() {
  # shellcheck disable=SC1091
  . "$DATA_DIR/params"
  STORE=$P_STORE STORE_GB=$P_STORE_GB
}

write_conf() { # (re)written at every start from the params, so edits of this script apply
  local fsid=$P_FSID p2=$P_MON_V2 p1=$P_MON_V1 store_bytes=$((STORE_GB * 1024 * 1024 * 1024))
  cat >"$CONF" <<EOF
# generated by tests/services/ceph.sh - single-node test cluster, loopback only
[global]
fsid = $fsid
mon initial members = a
mon host = [v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $RUN
crash dir = $DATA_DIR/crash
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool delete = true
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd objectstore = $STORE

[mon]
mon data = $DATA_DIR/mon
mgr initial modules = iostat
log file = $LOGS/\$name.log
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid
mon cluster log file = $LOGS/cluster.log

[osd]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd data = $DATA_DIR/osd
keyring = $DATA_DIR/osd/keyring
log file = $LOGS/\$name.log
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid
memstore device bytes = $store_bytes
bluestore block size = $store_bytes
bluestore block create = true
osd memory target = 1073741824
# memstore only keeps its data across a restart when it is shut down slowly
osd fast shutdown = $([ "$STORE" = memstore ] && echo false || echo true)

[mgr]
public addr = 127.0.0.1
mgr data = $DATA_DIR/mgr
# do not even load the optional python modules: halves the mgr's RSS (~320 -> ~160 MB).
# The always-on ones (balancer crash devicehealth orchestrator pg_autoscaler progress
# rbd_support status telemetry volumes) must stay, or health turns to HEALTH_ERR.
mgr disabled modules = alerts diskprediction_local influx insights localpool mirroring nfs osd_perf_query osd_support prometheus restful selftest snap_schedule stats telegraf test_orchestrator zabbix
keyring = $DATA_DIR/mgr/keyring
log file = $LOGS/\$name.log
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid

[client]
keyring = $KEYRING
log file = $LOGS/client.log

[client.backup]
keyring = $DATA_DIR/client.backup.keyring
EOF
}

# ---------------------------------------------------------------- daemons
start_daemon() { # name
  local n=$1
  if daemon_pid "$n" >/dev/null; then return 0; fi
  rm -f "$RUN/$n.pid"
  case $n in
    mon.a)        ceph-mon -c "$CONF" -i a ;;
    osd.0)        ceph-osd -c "$CONF" -i 0 ;;
    mgr.x)        ceph-mgr -c "$CONF" -i x ;;
  esac >>"$LOGS/launch.log" 2>&1 || die "$n failed to start, see $LOGS/$n.log and $LOGS/launch.log"
  local end=$((SECONDS + 30))
  until daemon_pid "$n" >/dev/null; do
    [ $SECONDS -lt $end ] || die "$n did not write its pid file, see $LOGS/$n.log"
    sleep 0.2
  done
  log "$n running, pid $(daemon_pid "$n")"
}

create_cluster() {
  log "creating a new cluster in $DATA_DIR (store=$STORE)"
  local p2 p1 osd_uuid osd_key osd_id
  rm -rf "${DATA_DIR:?}/mon" "$DATA_DIR/osd" "$DATA_DIR/mgr" "$RUN" "$LOGS" \
         "$DATA_DIR/crash" "$CONF" "$KEYRING" "$DATA_DIR"/*.keyring "$DATA_DIR/params" "$READY"
  touch "$MARK"
  mkdir -p "$RUN" "$LOGS" "$DATA_DIR/mon" "$DATA_DIR/osd" "$DATA_DIR/crash"
  read -r p2 p1 < <(free_ports 2)
  printf 'P_FSID=%s\nP_MON_V2=%s\nP_MON_V1=%s\nP_STORE=%s\nP_STORE_GB=%s\n' \
    "$(cat /proc/sys/kernel/random/uuid)" "$p2" "$p1" "$STORE" "$STORE_GB" >"$DATA_DIR/params"
  load_params
  write_conf

  ceph-authtool --create-keyring "$KEYRING" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool --create-keyring "$DATA_DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$DATA_DIR/mon.keyring" --import-keyring "$KEYRING" >/dev/null
  ceph-mon -c "$CONF" -i a --mkfs --keyring "$DATA_DIR/mon.keyring" >>"$LOGS/launch.log" 2>&1 \
    || die "ceph-mon --mkfs failed, see $LOGS/launch.log"
  start_daemon mon.a
  wait_for "the monitor" C mon stat

  # module options are read from the mon's config db: set them before the mgr starts
  C config set mgr mgr/devicehealth/enable_monitoring false --force >/dev/null

  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_key=$(ceph-authtool --gen-print-key)
  osd_id=$(printf '{"cephx_secret": "%s"}' "$osd_key" | C osd new "$osd_uuid" -i -)
  [ "$osd_id" = 0 ] || die "unexpected osd id '$osd_id'"
  ceph-authtool --create-keyring "$DATA_DIR/osd/keyring" --name osd.0 --add-key "$osd_key" >/dev/null
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$LOGS/launch.log" 2>&1 \
    || die "ceph-osd --mkfs failed, see $LOGS/launch.log and $LOGS/osd.0.log"
  start_daemon osd.0

  if [ "$WITH_MGR" = 1 ]; then
    mkdir -p "$DATA_DIR/mgr"
    C auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
      -o "$DATA_DIR/mgr/keyring" >/dev/null
    start_daemon mgr.x
  fi

  wait_for "osd.0 up" osd_up
  local p
  for p in $POOLS; do
    C osd pool create "$p" 8 8 replicated >/dev/null 2>&1 || die "pool create $p failed"
    C osd pool application enable "$p" rbd >/dev/null 2>&1 || die "application enable $p failed"
  done
  # a least-privilege client like the one a real backup service gets
  local osdcaps="" sep=""
  for p in $POOLS; do osdcaps="$osdcaps${sep}profile rbd pool=$p"; sep=", "; done
  C auth get-or-create client.backup mon 'profile rbd' osd "$osdcaps" mgr 'profile rbd' \
    -o "$DATA_DIR/client.backup.keyring" >/dev/null

  touch "$READY"
}

cmd_start() {
  local t0=$SECONDS
  ensure_packages
  if [ -e "$READY" ] && [ -f "$DATA_DIR/params" ]; then
    log "existing cluster in $DATA_DIR, (re)starting what is not running"
    load_params
    write_conf
    local n
    for n in $(daemons); do start_daemon "$n"; done
    wait_for "osd.0 up" osd_up
  else
    if [ -n "$(ls -A "$DATA_DIR")" ] && [ ! -e "$MARK" ]; then
      die "$DATA_DIR is not empty and was not made by ceph.sh; refusing to touch it"
    fi
    cmd_stop_quiet
    create_cluster
  fi
  wait_for "I/O on pools ($POOLS)" pool_io
  if [ "$WITH_MGR" = 1 ]; then wait_for "mgr available" mgr_up; fi
  # HEALTH_OK normally follows within seconds; do not fail on a transient warning
  # (without a mgr the health stays HEALTH_WARN: no need to wait for it)
  local end=$((SECONDS + 30)) h
  if [ ! -f "$DATA_DIR/mgr/keyring" ]; then end=$SECONDS; fi
  h=$(C health 2>/dev/null || true)
  while [ "$h" != HEALTH_OK ] && [ $SECONDS -lt $end ]; do
    sleep 1
    h=$(C health 2>/dev/null || true)
  done
  [ "$h" = HEALTH_OK ] || log "warning: cluster usable but health is: $(C health detail 2>&1 | head -5)"
  log "ready in $((SECONDS - t0))s ($h)"
  print_env | tee "$DATA_DIR/env"
}

# running and not a zombie (an orphan's zombie can linger ~2 s until pid 1 reaps it)
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

stop_one() { # name
  local n=$1 pid
  pid=$(daemon_pid "$n") || { rm -f "$RUN/$n.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    log "$n (pid $pid) ignored SIGTERM for 20s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$RUN/$n.pid"
  log "$n stopped (pid $pid)"
}

cmd_stop_quiet() {
  local n
  for n in mgr.x osd.0 mon.a; do stop_one "$n"; done
}

cmd_status() {
  local n pid rc=0
  [ -f "$CONF" ] || { echo "no cluster in $DATA_DIR"; return 3; }
  for n in $(daemons); do
    if pid=$(daemon_pid "$n"); then
      echo "$n: running, pid $pid, rss $(awk '/VmRSS/{print $2" "$3}' "/proc/$pid/status")"
    else
      echo "$n: not running"; rc=1
    fi
  done
  if daemon_pid mon.a >/dev/null; then C -s || rc=1; fi
  return $rc
}

selftest() {
  local dir=$DATA_DIR/selftest img=selftest$$ pool=${POOLS%% *}
  rm -rf "$dir"; mkdir -p "$dir"
  export CEPH_CONF=$CONF
  log "rbd: create/write/snapshot/diff/export-diff in pool $pool"
  rbd create --size 64M "$pool/$img"
  # rbd bench writes without a kernel client: 2 MiB at offset 0, snapshot, then 64 KiB more
  rbd bench --io-type write --io-size 1M --io-total 2M --io-threads 1 --io-pattern seq "$pool/$img" >/dev/null
  rbd snap create --no-progress "$pool/$img@s1"
  rbd bench --io-type write --io-size 64K --io-total 64K --io-threads 1 --io-pattern seq "$pool/$img" >/dev/null
  echo "-- rbd diff since s1:"; rbd diff --from-snap s1 "$pool/$img"
  echo "-- rbd diff whole image:"; rbd diff "$pool/$img"
  rbd export-diff --no-progress "$pool/$img@s1" "$dir/full.diff"
  rbd export-diff --no-progress --from-snap s1 "$pool/$img" "$dir/incr.diff"
  ls -l "$dir"/*.diff
  # replay into the second pool, like an incremental backup would
  local bpool=${POOLS##* }
  rbd create --size 64M "$bpool/$img-copy"
  rbd import-diff --no-progress "$dir/full.diff" "$bpool/$img-copy"
  rbd export --no-progress "$pool/$img@s1" "$dir/src.img"
  rbd export --no-progress "$bpool/$img-copy@s1" "$dir/dst.img"
  cmp "$dir/src.img" "$dir/dst.img" && echo "-- import-diff copy matches snapshot s1"
  log "as client.backup: rbd import/export of random data (odd size), rados put/get"
  head -c 5000001 /dev/urandom >"$dir/random.bin"
  rbd --id backup import --no-progress "$dir/random.bin" "$bpool/$img-rand"
  rbd --id backup export --no-progress "$bpool/$img-rand" "$dir/random.back"
  # rbd rounds the image up to whole 512-byte sectors: compare the data part
  cmp -n 5000001 "$dir/random.bin" "$dir/random.back" && echo "-- rbd import/export round trip matches"
  rbd --id backup rm --no-progress "$bpool/$img-rand"
  rados --id backup -p "$bpool" put "obj$$" "$dir/random.bin"
  rados --id backup -p "$bpool" get "obj$$" "$dir/random.get"
  cmp "$dir/random.bin" "$dir/random.get" && echo "-- rados put/get round trip matches"
  rados --id backup -p "$bpool" rm "obj$$"
  rbd snap purge --no-progress "$bpool/$img-copy" && rbd rm --no-progress "$bpool/$img-copy"
  rbd snap purge --no-progress "$pool/$img" && rbd rm --no-progress "$pool/$img"
  rm -rf "$dir"
  log "selftest passed"
}

case "$CMD" in
  start)    cmd_start ;;
  stop)     [ -e "$MARK" ] || { log "nothing of ours in $DATA_DIR"; exit 0; }; cmd_stop_quiet ;;
  status)   cmd_status ;;
  env)      [ -e "$READY" ] || die "no cluster in $DATA_DIR"; load_params; print_env ;;
  selftest) [ -e "$READY" ] || die "no cluster in $DATA_DIR"; selftest ;;
esac
