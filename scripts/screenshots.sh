#!/bin/bash
# Takes the README's screenshots of the desktop application under Xvfb and
# saves them in docs/screenshots/. Needs xvfb-run and ImageMagick's `import`.
#
#   scripts/screenshots.sh [build-dir] [scene...]   (default: build, every scene)
#
# It prepares a throw-away EMBER_HOME with the app's hidden --screenshot-demo
# option (a volume with a chain of three backups and a 1 GiB volume), then
# starts the app once per scene; each scene prints EMBER-SCREENSHOT-READY when
# it is ready to be captured.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

if [[ "${1:-}" == "--capture" ]]; then
    # Runs inside xvfb-run: start the app on a scene, capture, stop it.
    ember=$2 scene=$3 output=$4
    log=$(mktemp)
    "$ember" --screenshot-demo "$scene" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
        grep -q EMBER-SCREENSHOT-READY "$log" && break
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    grep -q EMBER-SCREENSHOT-READY "$log" || { echo "scene $scene never got ready" >&2; cat "$log" >&2; kill "$pid"; exit 1; }
    sleep 0.3
    import -window root "$output"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$log"
    exit 0
fi

build=$(cd "${1:-$here/build}" && pwd)
shift || true
only=("$@") # scenes to take; none = all
wanted() { [[ ${#only[@]} -eq 0 ]] || [[ " ${only[*]} " == *" $1 "* ]]; }
ember=$build/app/ember
[[ -x "$ember" ]] || { echo "build the ember target first: $ember is missing" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "xvfb-run is not installed" >&2; exit 1; }
command -v import >/dev/null || { echo "ImageMagick's import is not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export EMBER_HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/runtime
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=en
mkdir -p "$EMBER_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

echo "preparing the demo catalog in $EMBER_HOME"
QT_QPA_PLATFORM=offscreen "$ember" --screenshot-demo prepare

out=$here/docs/screenshots
mkdir -p "$out"
# "main" late: it leaves a backup running when the app is stopped; "reset-state"
# after it, as it leaves web-server error_restoring; "overview" last, as it adds
# volumes, schedules and two weeks of history.
for scene in create-backup restore wizard s3-wizard main reset-state overview; do
    wanted "$scene" || continue
    echo "scene $scene"
    xvfb-run -a -s "-screen 0 1400x900x24" "$0" --capture "$ember" "$scene" "$out/$scene.png"
done
# A newcomer's first start, in Simplified Chinese (chosen from the locale).
wanted first-start && echo "scene first-start (zh_CN)" &&
EMBER_HOME=$work/empty LANGUAGE=zh_CN LANG=zh_CN.UTF-8 LC_ALL= \
    xvfb-run -a -s "-screen 0 1400x900x24" "$0" --capture "$ember" first-start "$out/first-start-zh_CN.png"
echo "saved: $(ls "$out")"
