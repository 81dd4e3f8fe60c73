#!/usr/bin/env bash
# fixture.sh - CTest fixture around ceph.sh / swift.sh / cinder.sh / rgw.sh.
#   fixture.sh start SERVICE DATA_DIR ENV_FILE   fresh service; facts to ENV_FILE
#   fixture.sh stop  SERVICE DATA_DIR ENV_FILE   stop it; drop its data, keep its logs
# A fresh start every run keeps tests independent of what earlier runs left behind.
set -euo pipefail
ACTION=${1:?usage: fixture.sh start|stop SERVICE DATA_DIR ENV_FILE}
SERVICE=${2:?service (ceph|swift|cinder|rgw)}
DATA_DIR=${3:?data dir}
ENV_FILE=${4:?env file}
HERE=$(cd "$(dirname "$0")" && pwd)
SCRIPT=$HERE/$SERVICE.sh
[ -f "$SCRIPT" ] || { echo "unknown service '$SERVICE'" >&2; exit 2; }

case $ACTION in
  start)
    rm -f "$ENV_FILE"
    mkdir -p "$(dirname "$ENV_FILE")"
    if [ -d "$DATA_DIR" ]; then bash "$SCRIPT" stop "$DATA_DIR" || true; fi
    rm -rf "$DATA_DIR"
    if ! bash "$SCRIPT" start "$DATA_DIR" >"$ENV_FILE.tmp"; then
      echo "$SERVICE failed to start; last log lines:" >&2
      tail -n 20 "$DATA_DIR"/log/*.log >&2 2>/dev/null || true
      exit 1
    fi
    mv "$ENV_FILE.tmp" "$ENV_FILE"
    # show which facts exist, not the keys themselves
    echo "$SERVICE is up; facts in $ENV_FILE:"
    sed -E 's/^([A-Z0-9_]*(KEY|PASSWORD|SECRET|TRANSPORT_URL)[A-Z0-9_]*)=.*/\1=<hidden>/' "$ENV_FILE"
    ;;
  stop)
    rm -f "$ENV_FILE"
    [ -d "$DATA_DIR" ] || exit 0
    bash "$SCRIPT" stop "$DATA_DIR"
    # the stores can hold GBs after a test run; the logs stay for post-mortems
    rm -rf "$DATA_DIR/osd" "$DATA_DIR/mon" "$DATA_DIR/srv" "$DATA_DIR/backups" "$DATA_DIR/rabbitmq"
    ;;
  *) echo "unknown action '$ACTION'" >&2; exit 2 ;;
esac
