# shellcheck shell=bash
# lib.sh - what ceph.sh and swift.sh share: their command line, the data dir layout,
# logging, port picking, pid files, waiting, stopping and the status table.
# Sourced, never run. The sourcing script sets, before sourcing:
#   SERVICE   ceph|swift: the log tag; the mark file is DATA_DIR/.ember-$SERVICE
#   WHAT      what lives in a data dir, for "no $WHAT in DATA_DIR"
#   TIMEOUT   seconds wait_for waits
#   STOP_WAIT seconds stop_one gives a process after SIGTERM before SIGKILL
#   POLL      seconds between two checks in wait_for
# and defines (the helpers and `main` call them):
#   procs         the names of its processes (pid files RUN/NAME.pid), in start order
#   cmd_start, cmd_stop, cmd_status, load_params, print_env, selftest
# After open_data_dir it sets PID_MATCH: what the command line of each of its processes
# contains (so a recycled pid never matches).
: "${SERVICE:?set by the script that sources lib.sh}" "${WHAT:?set by the script that sources lib.sh}"

log() { printf '[%s %s] %s\n' "$SERVICE" "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# the script's header comment (from line 2 to the first line that is not a comment)
usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0" >&2; exit 2; }

# open_data_dir CMD DATA_DIR: checks the command line; sets CMD, DATA_DIR (absolute,
# created by start), RUN, LOGS, MARK (made by us) and READY (created completely).
# Without DATA_DIR: stop exits 0, the other commands exit 3.
open_data_dir() {
  CMD=${1:-}
  DATA_DIR=${2:-}
  case "$CMD" in start|stop|status|env|selftest) ;; *) usage ;; esac
  [ -n "$DATA_DIR" ] || usage
  if [ "$CMD" = start ]; then mkdir -p "$DATA_DIR"; fi
  if [ ! -d "$DATA_DIR" ]; then
    [ "$CMD" = stop ] && exit 0
    echo "no $WHAT in $DATA_DIR" >&2; exit 3
  fi
  DATA_DIR=$(cd "$DATA_DIR" && pwd -P)
  RUN=$DATA_DIR/run
  LOGS=$DATA_DIR/log
  MARK=$DATA_DIR/.ember-$SERVICE
  READY=$DATA_DIR/.ready
}

# the command: start|stop|status|env|selftest (open_data_dir checked it)
main() {
  case "$CMD" in
    start)    cmd_start ;;
    stop)     [ -e "$MARK" ] || { log "nothing of ours in $DATA_DIR"; exit 0; }; cmd_stop ;;
    status)   cmd_status ;;
    env)      [ -e "$READY" ] || die "no $WHAT in $DATA_DIR"; load_params; print_env ;;
    selftest) [ -e "$READY" ] || die "no $WHAT in $DATA_DIR"; selftest ;;
  esac
}

# ---------------------------------------------------------------- helpers
need_packages() { # the missing Debian packages: dies naming them, if there are any
  if [ $# -gt 0 ]; then
    die "missing Debian packages: $* (run: sudo bash scripts/install-deps.sh)"
  fi
}

# A fresh start may wipe DATA_DIR's contents: only when we made them.
refuse_foreign_dir() {
  if [ -n "$(ls -A "$DATA_DIR")" ] && [ ! -e "$MARK" ]; then
    die "$DATA_DIR is not empty and was not made by $SERVICE.sh; refusing to touch it"
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

# pid of one of our processes if it runs: pid file exists, process alive, its command
# line mentions PID_MATCH (so a recycled pid never matches).
proc_pid() {
  local f=$RUN/$1.pid pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f"); [[ $pid =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$PID_MATCH" || return 1
  echo "$pid"
}

# wait_pid NAME SECONDS: until NAME's pid file names a live process of ours; 1 on timeout
wait_pid() {
  local end=$((SECONDS + $2))
  until proc_pid "$1" >/dev/null; do
    [ $SECONDS -lt "$end" ] || return 1
    sleep 0.1
  done
}

wait_for() { # description, command...
  local what=$1; shift
  local end=$((SECONDS + TIMEOUT))
  local n
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "timeout (${TIMEOUT}s) waiting for $what; logs in $LOGS"
    for n in $(procs); do   # fail fast when a process died (port taken, bad config...)
      if [ -e "$RUN/$n.pid" ] && ! proc_pid "$n" >/dev/null; then
        tail -n 5 "$LOGS/$n"*.log >&2 2>/dev/null || true
        die "$n died while waiting for $what; logs in $LOGS"
      fi
    done
    sleep "$POLL"
  done
}

# ready T0 [NOTE]: log the start-up time, print the connection facts and keep them in DATA_DIR/env
ready() {
  log "ready in $((SECONDS - $1))s${2:+ ($2)}"
  print_env | tee "$DATA_DIR/env"
}

# ---------------------------------------------------------------- stop and status
# running and not a zombie (an orphan's zombie can linger ~2 s until pid 1 reaps it)
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

stop_one() { # name
  local n=$1 pid
  pid=$(proc_pid "$n") || { rm -f "$RUN/$n.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((STOP_WAIT * 10))); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$n (pid $pid) ignored SIGTERM for ${STOP_WAIT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$RUN/$n.pid"
  log "$n stopped (pid $pid)"
}

proc_table() { # a line per process; 1 if one is not running
  local n pid rc=0
  for n in $(procs); do
    if pid=$(proc_pid "$n"); then
      echo "$n: running, pid $pid, rss $(awk '/VmRSS/{print $2" "$3}' "/proc/$pid/status")"
    else
      echo "$n: not running"; rc=1
    fi
  done
  return $rc
}
