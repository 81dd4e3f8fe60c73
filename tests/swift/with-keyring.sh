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

# The daemon forks before it claims org.freedesktop.secrets. If the test asked
# first, D-Bus would activate a second daemon with the session's original HOME
# and no login keyring, so wait until ours answers with its login collection.
# NameHasOwner and Get never activate a service.
has_login_collection() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
        grep -q 'boolean true' || return 1
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
        org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Service \
        string:Collections 2>/dev/null | grep -q '/collection/login'
}
tries=0
until has_login_collection; do
    tries=$((tries + 1))
    if [ "$tries" -ge 100 ]; then
        echo "with-keyring.sh: gnome-keyring-daemon did not serve a login collection within 10 s" >&2
        exit 1
    fi
    sleep 0.1
done
"$@"
