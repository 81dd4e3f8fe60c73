#!/usr/bin/env bash
# Packaging test: build the .deb with CPack, install it with apt-get, run the
# installed ember-cli (version, backup/restore round trip byte-compared) and
# ember (offscreen), validate the installed desktop files, run lintian, purge
# the package and check nothing of it is left; then build the RPM and .tar.gz
# and check their file lists.
set -euo pipefail

BUILD=${EMBER_BINARY_DIR:?EMBER_BINARY_DIR must name the build tree}
VERSION=${EMBER_PACKAGE_VERSION:?EMBER_PACKAGE_VERSION must be set}
WITH_GUI=${EMBER_WITH_GUI:-1}
APP_ID=invalid.example.ember
APT=(apt-get -o DPkg::Lock::Timeout=600 -q -y)

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "== $*"; }

[ "$(id -u)" = 0 ] || fail "this test installs a package with apt-get and must run as root"
for tool in cpack dpkg-deb apt-get lintian desktop-file-validate appstreamcli rpm rpmbuild cmp file; do
    command -v "$tool" >/dev/null || fail "$tool is missing: run scripts/install-deps.sh"
done
if dpkg-query -W -f='${Status}' ember 2>/dev/null | grep -q 'install ok installed'; then
    fail "a package named ember is already installed; remove it first (apt-get remove --purge ember)"
fi

WORK=${EMBER_TEST_TMP:-$(mktemp -d)}
rm -rf "$WORK"
mkdir -p "$WORK/pkg" "$WORK/home"
GUI_PID=
cleanup() {
    [ -n "$GUI_PID" ] && kill "$GUI_PID" 2>/dev/null || true
    # Never leave the package behind when a check in the middle failed.
    if dpkg-query -W -f='${Status}' ember 2>/dev/null | grep -q 'install ok installed'; then
        "${APT[@]}" remove --purge ember >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

step "build the binaries and the package files"
targets=(ember-cli ember_packaging_files)
[ "$WITH_GUI" = 1 ] && targets+=(ember)
cmake --build "$BUILD" --target "${targets[@]}"

step "cpack -G DEB"
(cd "$WORK/pkg" && cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/pkg") >"$WORK/cpack-deb.log" 2>&1 ||
    { cat "$WORK/cpack-deb.log"; fail "cpack -G DEB failed"; }
shopt -s nullglob
debs=("$WORK"/pkg/ember_*.deb)
[ ${#debs[@]} = 1 ] || fail "expected one ember_*.deb in $WORK/pkg, found ${#debs[@]}"
DEB=${debs[0]}
echo "built $(basename "$DEB") ($(stat -c %s "$DEB") bytes)"
[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ] || fail "package version is not the project version $VERSION"
[ "$(dpkg-deb -f "$DEB" Section)" = admin ] || fail "package section is not admin"
depends=$(dpkg-deb -f "$DEB" Depends)
echo "Depends: $depends"
# Computed by dpkg-shlibdeps: the Qt and C++ runtime must be in it.
for lib in libc6 libqt6core6 libstdc++6; do
    grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: dpkg-shlibdeps did not run"
done

step "apt-get install ./$(basename "$DEB")"
(cd "$WORK/pkg" && "${APT[@]}" install "./$(basename "$DEB")") >"$WORK/apt-install.log" 2>&1 ||
    { cat "$WORK/apt-install.log"; fail "apt-get install of the .deb failed"; }
dpkg -L ember >"$WORK/installed-paths.txt"
expected=(/usr/bin/ember-cli /usr/share/man/man1/ember-cli.1.gz /usr/share/man/man1/ember.1.gz
    /usr/share/doc/ember/copyright /usr/share/doc/ember/changelog.gz
    /usr/lib/systemd/system/ember-schedule.service /usr/lib/systemd/system/ember-schedule.timer
    /usr/lib/systemd/user/ember-schedule.service /usr/lib/systemd/user/ember-schedule.timer)
if [ "$WITH_GUI" = 1 ]; then
    expected+=(/usr/bin/ember /usr/share/applications/ember.desktop "/usr/share/metainfo/$APP_ID.metainfo.xml"
        /usr/share/icons/hicolor/scalable/apps/ember.svg)
    for size in 16 32 48 64 128 256; do
        expected+=("/usr/share/icons/hicolor/${size}x${size}/apps/ember.png")
    done
fi
for path in "${expected[@]}"; do
    grep -qxF "$path" "$WORK/installed-paths.txt" || fail "the package does not install $path"
    [ -f "$path" ] || fail "$path is listed but not on disk"
done
if [ "$WITH_GUI" = 1 ]; then
    for size in 16 32 48 64 128 256; do
        png=/usr/share/icons/hicolor/${size}x${size}/apps/ember.png
        file "$png" | grep -q "PNG image data, $size x $size" || fail "$png is not a ${size}x${size} PNG: $(file -b "$png")"
    done
fi
for page in ember ember-cli; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "/usr/share/man/man1/$page.1.gz" 2>&1 >/dev/null || true)
    [ -z "$warnings" ] || fail "man page $page.1 has troff warnings: $warnings"
done

step "installed ember-cli: version"
export EMBER_HOME=$WORK/home/ember
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share
cli=/usr/bin/ember-cli
[ "$($cli --version)" = "ember-cli $VERSION" ] || fail "ember-cli --version says '$($cli --version)', expected 'ember-cli $VERSION'"
$cli backend-list | grep -q local || fail "backend-list does not show the local backend"

step "installed ember-cli: full and incremental backup, restore, byte compare"
vol=$WORK/volume.img
# 6 MiB: random data with a hole in the middle (sparse blocks take another path).
head -c 2097152 /dev/urandom >"$vol"
head -c 2097152 /dev/zero >>"$vol"
head -c 2097152 /dev/urandom >>"$vol"
cp "$vol" "$WORK/volume-full.img"
$cli volume-add --name pkgvol "$vol" >/dev/null
$cli backup-create --name pkgfull pkgvol >/dev/null
# Change 100 KiB in the hole and at the end, then an incremental backup.
head -c 102400 /dev/urandom | dd of="$vol" bs=1024 seek=3000 conv=notrunc status=none
head -c 102400 /dev/urandom | dd of="$vol" bs=1024 seek=6000 conv=notrunc status=none
$cli backup-create --incremental --name pkgincr pkgvol >/dev/null
$cli backup-restore --path "$WORK/restored-full.img" pkgfull >/dev/null
$cli backup-restore --path "$WORK/restored-incr.img" pkgincr >/dev/null
cmp "$WORK/volume-full.img" "$WORK/restored-full.img" || fail "the full backup restored different bytes"
cmp "$vol" "$WORK/restored-incr.img" || fail "the incremental backup restored different bytes"
cmp -s "$WORK/volume-full.img" "$vol" && fail "the volume did not change between the backups"
$cli backup-verify pkgincr >/dev/null || fail "backup-verify of the incremental backup failed"
echo "round trip: full and incremental restores byte-identical"

step "installed schedule units: systemd-analyze verify"
for scope in system user; do
    scope_flag=()
    runtime_dir=${XDG_RUNTIME_DIR:-}
    if [ "$scope" = user ]; then
        scope_flag=(--user)
        # The user manager's lookup paths need a runtime directory, which a
        # shell without a login session lacks.
        if [ -z "$runtime_dir" ]; then
            runtime_dir=$WORK/runtime
            mkdir -p -m 0700 "$runtime_dir"
        fi
    fi
    out=$(XDG_RUNTIME_DIR=$runtime_dir systemd-analyze "${scope_flag[@]}" verify "/usr/lib/systemd/$scope/ember-schedule.service" \
        "/usr/lib/systemd/$scope/ember-schedule.timer" 2>&1) ||
        fail "systemd-analyze verify of the $scope units failed: $out"
    [ -z "$out" ] || fail "systemd-analyze verify of the $scope units warns: $out"
done
grep -qx 'Persistent=true' /usr/lib/systemd/system/ember-schedule.timer || fail "the timer is not Persistent"
echo "user and system units verify cleanly"

step "a scheduled backup started by the installed unit"
# Every 5 seconds, so an occurrence is due a moment after the schedule exists.
$cli schedule-add pkgsched --volume pkgvol --calendar '*:*:0/5' >/dev/null
sleep 6
service=/usr/lib/systemd/system/ember-schedule.service
if [ -d /run/systemd/system ]; then
    # systemd is PID 1: a transient timer starts the installed service, with this
    # test's catalog in a runtime drop-in.
    mkdir -p /run/systemd/system/ember-schedule.service.d
    printf '[Service]\nEnvironment=EMBER_HOME=%s HOME=%s XDG_DATA_HOME=%s\n' "$EMBER_HOME" "$HOME" "$XDG_DATA_HOME" \
        >/run/systemd/system/ember-schedule.service.d/test.conf
    systemctl daemon-reload
    # With --on-active and no command, systemd-run makes a transient timer for
    # the existing service named by --unit.
    systemd-run --on-active=1s --timer-property=AccuracySec=100ms --unit=ember-schedule.service >/dev/null
    for _ in $(seq 1 120); do
        $cli history --kind backup --format json | grep -q '"schedule"' && break
        sleep 1
    done
    rm -rf /run/systemd/system/ember-schedule.service.d
    systemctl daemon-reload
    how="a transient systemd timer"
else
    # No systemd as PID 1 (containers, CI): run the unit's own ExecStart line the
    # way systemd would (bare name looked up in PATH, Nice= applied).
    exec_start=$(sed -n 's/^ExecStart=//p' "$service")
    nice_level=$(sed -n 's/^Nice=//p' "$service")
    read -r -a argv <<<"$exec_start"
    binary=$(command -v "${argv[0]}") || fail "ExecStart names ${argv[0]}, which is not in PATH"
    [ "$binary" = /usr/bin/ember-cli ] || fail "ExecStart resolves to $binary, not the installed /usr/bin/ember-cli"
    nice -n "${nice_level:-0}" "$binary" "${argv[@]:1}" >"$WORK/schedule-run.log" 2>&1 ||
        { cat "$WORK/schedule-run.log"; fail "the unit's ExecStart failed"; }
    how="the unit's ExecStart (systemd is not PID 1 here)"
fi
history_json=$($cli history --kind backup --format json)
sched_backup=$(python3 -c '
import json, sys
jobs = [j for j in json.load(sys.stdin) if j.get("origin") == "schedule"]
if not jobs or jobs[0].get("result") != "succeeded":
    sys.exit("no succeeded scheduled backup in the history: %r" % jobs[:1])
print(jobs[0]["backup_id"])' <<<"$history_json") || fail "the history does not show the scheduled backup"
$cli backup-restore --path "$WORK/restored-sched.img" "$sched_backup" >/dev/null
cmp "$vol" "$WORK/restored-sched.img" || fail "the scheduled backup restored different bytes"
$cli schedule-remove pkgsched >/dev/null
echo "scheduled backup $sched_backup run by $how, in the history, restores byte-identical"

step "installed ember-cli: backends whose runtime piece is missing say so"
# librbd is installed (a dependency) but no cluster is configured here.
if [ ! -e /etc/ceph/ceph.conf ]; then
    $cli backend-add pkgceph ceph >/dev/null
    if out=$(EMBER_ALLOW_FILE_SECRETS=1 timeout 60 $cli backend-test pkgceph 2>&1); then
        fail "backend-test of a Ceph backend without /etc/ceph/ceph.conf succeeded"
    fi
    grep -q 'ceph.conf' <<<"$out" || fail "backend-test without a Ceph cluster does not name ceph.conf: $out"
    $cli backend-remove pkgceph >/dev/null
    echo "no Ceph configuration: $(grep -o 'cannot read[^|]*' <<<"$out" | head -1)"
fi
if ! command -v dsmc >/dev/null && [ ! -e /opt/tivoli/tsm/client/ba/bin/dsmc ]; then
    if out=$($cli backend-add pkgtsm tsm 2>&1); then
        fail "backend-add tsm succeeded without dsmc"
    fi
    grep -q 'dsmc' <<<"$out" || fail "backend-add tsm without dsmc does not name dsmc: $out"
    echo "no TSM client: $out"
fi
$cli backend-list | grep -q local || fail "the local backend is gone"

if [ "$WITH_GUI" = 1 ]; then
    step "installed ember: starts offscreen and keeps running"
    QT_QPA_PLATFORM=offscreen /usr/bin/ember >"$WORK/ember-gui.log" 2>&1 &
    GUI_PID=$!
    sleep 3
    kill -0 "$GUI_PID" 2>/dev/null || { cat "$WORK/ember-gui.log"; fail "ember exited within 3 seconds"; }
    kill "$GUI_PID"
    wait "$GUI_PID" 2>/dev/null || true
    GUI_PID=
    echo "ember ran for 3 s"

    step "desktop-file-validate and appstreamcli validate"
    desktop-file-validate /usr/share/applications/ember.desktop || fail "desktop-file-validate failed"
    appstreamcli validate --no-net "/usr/share/metainfo/$APP_ID.metainfo.xml" ||
        fail "appstreamcli validate failed"
fi

step "lintian"
# -I: the informational tags too, so the README's list can be checked against them.
lintian_out=$(lintian --allow-root -I "$DEB" 2>&1 || true)
echo "${lintian_out:-(no tags)}"
if grep -q '^E: ' <<<"$lintian_out"; then
    fail "lintian reports errors"
fi

step "apt-get remove --purge ember"
"${APT[@]}" remove --purge ember >"$WORK/apt-remove.log" 2>&1 || { cat "$WORK/apt-remove.log"; fail "apt-get remove failed"; }
if dpkg -L ember >/dev/null 2>&1; then
    fail "dpkg -L ember still succeeds after the purge"
fi
left=0
while IFS= read -r path; do
    [ "$path" = /. ] && continue
    if [ -d "$path" ]; then
        # Shared directories (/usr/bin, /usr/share/icons/...) stay; ours must go.
        case "$path" in
        /usr/share/doc/ember) echo "left behind: $path" >&2 && left=1 ;;
        esac
    elif [ -e "$path" ] || [ -L "$path" ]; then
        echo "left behind: $path" >&2
        left=1
    fi
done <"$WORK/installed-paths.txt"
[ $left = 0 ] || fail "files of the package remain after the purge"
echo "purged: none of the $(grep -c . "$WORK/installed-paths.txt") installed paths remain"

step "cpack -G RPM;TGZ"
(cd "$WORK/pkg" && cpack --config "$BUILD/CPackConfig.cmake" -G "RPM;TGZ" -B "$WORK/pkg") >"$WORK/cpack-rpm.log" 2>&1 ||
    { cat "$WORK/cpack-rpm.log"; fail "cpack -G RPM;TGZ failed"; }
rpms=("$WORK"/pkg/ember-*.rpm)
tgzs=("$WORK"/pkg/ember-*.tar.gz)
[ ${#rpms[@]} = 1 ] || fail "expected one ember-*.rpm, found ${#rpms[@]}"
[ ${#tgzs[@]} = 1 ] || fail "expected one ember-*.tar.gz, found ${#tgzs[@]}"
rpm_files=$(rpm -qpl "${rpms[0]}" 2>/dev/null)
rpm_bins=(/usr/bin/ember-cli)
[ "$WITH_GUI" = 1 ] && rpm_bins+=(/usr/bin/ember)
for bin in "${rpm_bins[@]}"; do
    grep -qxF "$bin" <<<"$rpm_files" || fail "the RPM does not list $bin"
done
[ "$(rpm -qp --qf '%{VERSION}' "${rpms[0]}" 2>/dev/null)" = "$VERSION" ] || fail "RPM version is not $VERSION"
rpm -qpR "${rpms[0]}" 2>/dev/null | grep -q 'libQt6Core.so.6' || fail "the RPM does not require libQt6Core (autoreq)"
# Directories other packages own (filesystem, hicolor-icon-theme) must not be claimed.
if grep -qxE '/usr/bin|/usr/share/icons/hicolor|/usr/share/applications' <<<"$rpm_files"; then
    fail "the RPM claims a system directory"
fi
tar -tzf "${tgzs[0]}" >"$WORK/tgz-files.txt"
grep -qx 'ember-[^/]*/bin/ember-cli' "$WORK/tgz-files.txt" || fail "the .tar.gz lacks bin/ember-cli at its top"
echo "$(basename "${rpms[0]}"): $(grep -c . <<<"$rpm_files") paths; $(basename "${tgzs[0]}") ok"
echo "PASS"
