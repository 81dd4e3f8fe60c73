#!/bin/sh
# Runs a test inside a private D-Bus session (dbus-run-session) with its own
# GNOME Keyring, unlocked with a throw-away password and data in a temp HOME.
set -eu
tmp_home=$(mktemp -d "${TMPDIR:-/tmp}/ember-keyring.XXXXXX")
trap 'rm -rf "$tmp_home"' EXIT
export HOME="$tmp_home" XDG_DATA_HOME="$tmp_home/share" XDG_RUNTIME_DIR="$tmp_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the new login keyring's password from stdin; the daemon
# exits with the D-Bus session.
eval "$(printf 'ember-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
