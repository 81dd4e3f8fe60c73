#!/bin/bash
# Takes the README's screenshots of an OpenStack cloud in the desktop application
# under Xvfb: docs/screenshots/cloud-chains.png (an admin's view of a chain) and
# docs/screenshots/cloud-refusal.png (a project member's refused delete, its
# reason in the tooltip and the details). Needs a running Keystone and Cinder,
# e.g. the one tests/services/cinder.sh starts, and its clouds.yaml:
#
#   OS_CLIENT_CONFIG_FILE=/path/to/clouds.yaml scripts/cloud-screenshots.sh [build-dir]
#
# The clouds are ember-admin and ember-demo (as cinder.sh names them) unless
# EMBER_SHOT_ADMIN / EMBER_SHOT_MEMBER say otherwise. In the member's project it
# makes a 1 GiB volume "web-data" with a full backup and two incrementals, in the
# admin's project a volume "db-primary" with a full backup (openstacksdk and
# ember-cli --os-cloud), takes the app's hidden
# --screenshot-demo scenes cloud-chains and cloud-refusal, and deletes the
# backups and the volume again. Needs xvfb-run, ImageMagick's import and
# Python's openstacksdk (python3-openstacksdk).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
ember=$build/app/ember
cli=$build/app/ember-cli
admin=${EMBER_SHOT_ADMIN:-ember-admin}
member=${EMBER_SHOT_MEMBER:-ember-demo}
for tool in "$ember" "$cli"; do
    [[ -x "$tool" ]] || { echo "build the ember and ember-cli targets first: $tool is missing" >&2; exit 1; }
done
for tool in xvfb-run import; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
# A Python with openstacksdk (the distribution's, where another python3 comes first).
python=""
for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import openstack' 2>/dev/null; then python=$candidate; break; fi
done
[[ -n "$python" ]] || { echo "no python3 with openstacksdk found" >&2; exit 1; }
[[ -n "${OS_CLIENT_CONFIG_FILE:-}" ]] || { echo "set OS_CLIENT_CONFIG_FILE to the deployment's clouds.yaml" >&2; exit 1; }
unset OS_CLOUD OS_AUTH_URL

# Volumes through openstacksdk (ember-cli acts on backups only).
sdk() {
    "$python" - "$@" <<'EOF'
import sys
import openstack
cloud, action, what = sys.argv[1:4]
storage = openstack.connect(cloud=cloud).block_storage
if action == "create":
    volume = storage.create_volume(size=1, name=what)
    storage.wait_for_status(volume, "available", failures=["error"], wait=300)
    print(volume.id)
else:
    storage.delete_volume(what, ignore_missing=True)
EOF
}

work=$(mktemp -d)
made=()     # cloud:volume, in the order made
backups=()  # cloud:backup, in the order made
cleanup() {
    # Newest first: Cinder deletes a chain from its end.
    for ((i = ${#backups[@]} - 1; i >= 0; i--)); do
        cloud=${backups[i]%%:*} id=${backups[i]#*:}
        "$cli" --os-cloud "$cloud" backup-delete "$id" >/dev/null || true
        for _ in $(seq 1 120); do
            "$cli" --os-cloud "$cloud" backup-show "$id" >/dev/null 2>&1 || break
            sleep 1
        done
    done
    for entry in "${made[@]}"; do
        sdk "${entry%%:*}" delete "${entry#*:}" || true
    done
    rm -rf "$work"
}
trap cleanup EXIT
export EMBER_HOME=$work/home XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/runtime
export LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=en
mkdir -p "$EMBER_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

echo "making web-data with a chain of three backups in $member, db-primary in $admin"
volume=$(sdk "$member" create web-data)
made+=("$member:$volume")
other=$(sdk "$admin" create db-primary)
made+=("$admin:$other")
backup_id() { "$python" -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
for step in nightly-full:full monday:incremental tuesday:incremental; do
    name=${step%%:*} kind=${step#*:}
    args=(--name "$name" --wait --format json)
    [[ "$kind" == incremental ]] && args+=(--incremental)
    backups+=("$member:$("$cli" --os-cloud "$member" backup-create "${args[@]}" "$volume" | backup_id)")
done
backups+=("$admin:$("$cli" --os-cloud "$admin" backup-create --name weekly --wait --format json "$other" | backup_id)")

out=$here/docs/screenshots
mkdir -p "$out"
for shot in "cloud-chains:$admin" "cloud-refusal:$member"; do
    scene=${shot%%:*} cloud=${shot#*:}
    echo "scene $scene as $cloud"
    EMBER_DEMO_CLOUD=$cloud EMBER_DEMO_VOLUME=web-data \
        xvfb-run -a -s "-screen 0 1400x900x24" "$here/scripts/screenshots.sh" --capture "$ember" "$scene" "$out/$scene.png"
done
echo "saved: $out/cloud-chains.png $out/cloud-refusal.png"
