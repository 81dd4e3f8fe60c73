#!/usr/bin/env bash
# install-deps.sh - every Debian 12 package Ember's build, app and whole test suite need,
# in ONE apt-get call (most apt time is per-call trigger work: man-db alone costs
# 2-3 minutes per call, so its auto-update is switched off first). Needs root.
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang-format dpkg-dev
  qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  libqt6sql6-sqlite libqt6svg6-dev qt6-svg-dev libgl-dev
  # the overview charts (Qt Charts needs Qt OpenGL's CMake files)
  qt6-charts-dev libqt6opengl6-dev
  qtkeychain-qt6-dev libssl-dev zlib1g-dev libbz2-dev libzstd-dev libdeflate-dev libisal-dev
  libsqlite3-dev libcurl4-openssl-dev
  librbd-dev librados-dev libradospp-dev
  # test services: Ceph (tests/services/ceph.sh) and Swift (tests/services/swift.sh)
  ceph-mon ceph-osd ceph-mgr ceph-common python3-rbd python3-rados
  # S3 (tests/services/rgw.sh): Ceph's radosgw on that cluster, boto3 for checks from outside
  radosgw python3-boto3
  swift swift-proxy swift-account swift-container swift-object python3-swiftclient memcached curl openssl
  # Cinder interop harness and benchmark (real cinder.backup drivers)
  python3 python3-cinder python3-zstd e2fsprogs time
  # peers the benchmark runs on the same volume (tests/bench/run-bench.sh)
  borgbackup restic
  # OpenStack cloud (tests/services/cinder.sh): Keystone + RabbitMQ + Cinder's services
  # under uwsgi, the cinder/openstack CLIs; yaml-cpp parses clouds.yaml
  python3-keystone rabbitmq-server python3-cinderclient python3-openstackclient
  uwsgi-core uwsgi-plugin-python3 libyaml-cpp-dev
  # GUI tests, screenshots, keychain
  # systemd-analyze: calendar expressions and the schedule units are checked against it
  systemd
  xvfb xauth x11-apps imagemagick fonts-noto-cjk fonts-dejavu-core qt6-translations-l10n dbus-x11 dbus-daemon dbus-bin gnome-keyring libsecret-tools
  # encryption: the paper key's QR code (libqrencode); tests read the printed PDF
  # back (pdftotext) and decode its QR code (zbarimg)
  libqrencode-dev poppler-utils zbar-tools
  # packaging checks
  rpm lintian desktop-file-utils appstream file librsvg2-bin
  # fuzzing (tests/fuzz): clang, libFuzzer's runtime (libclang_rt.fuzzer, only a
  # Recommends of clang) and llvm-symbolizer for readable stacks
  clang libclang-rt-14-dev llvm
)

if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh must run as root (sudo bash scripts/install-deps.sh)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
rm -f /var/lib/man-db/auto-update
t0=$SECONDS
apt-get -o DPkg::Lock::Timeout=900 -q update
apt-get -o DPkg::Lock::Timeout=900 -q -y --no-install-recommends install "${PACKAGES[@]}"
echo "install-deps: ${#PACKAGES[@]} packages present ($((SECONDS - t0)) s)" >&2
