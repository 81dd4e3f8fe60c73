#!/usr/bin/env bash
# run-app.sh - on a fresh Debian 12 machine: install the dependencies, build Ember
# (Release) into build/ and start the desktop application. Usage: sudo bash scripts/run-app.sh [args]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build

bash "$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEMBER_BUILD_TESTS=OFF
cmake --build "$BUILD" -j "$(nproc)"

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "run-app: no DISPLAY or WAYLAND_DISPLAY set; with sudo use 'sudo -E' (or run" >&2
  echo "         $BUILD/app/ember as your own user after building)" >&2
fi
exec "$BUILD/app/ember" "$@"
