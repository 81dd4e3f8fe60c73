#!/usr/bin/env bash
# swift.sh - throw-away OpenStack Swift "all in one" (Debian 12: Swift 2.30.x) on
# 127.0.0.1 for Ember's tests and CI: proxy (tempauth, v1 auth) + account + container +
# object servers + object/container updaters, one replica, one device directory,
# memcached (tempauth keeps its tokens there) and a fake Keystone v2/v3 in front of
# tempauth. Everything lives in DATA_DIR; nothing in /etc is used. Derived from the
# proven shared recipe swift-saio.sh; never installs packages (scripts/install-deps.sh does).
#
# Usage: swift.sh start|stop|status|env|selftest DATA_DIR
#   start     create DATA_DIR (or restart its stopped servers) and print the connection
#             facts as KEY=VALUE lines on stdout (progress goes to stderr), so
#             `eval "$(swift.sh start DIR)"` works. Idempotent.
#   stop      stop exactly the processes started from DATA_DIR (pid files); keep the data.
#   status    show the processes and probe the proxy; exit 0 only if all are up.
#   env       print the connection facts again.
#   selftest  upload/list/download/delete with curl (v1 and v3 auth) and the swift CLI.
#   DATA_DIR  must be on a file system with user xattrs (ext4, xfs, tmpfs >= 6.6).
#             To start afresh: stop, rm -rf DATA_DIR.
#
# Accounts (tempauth, v1 auth only; see SWIFT_AUTH_URL):
#   test:tester / testing     .admin of AUTH_test   (the default, also as ST_USER/ST_KEY;
#                             via the fake Keystone: user tester, project test, domain Default)
#   test:tester2 / testing2   plain user of AUTH_test (needs ACLs)
#   test2:tester2 / testing2  .admin of AUTH_test2
#   admin:admin / admin       .reseller_admin
#
# Knobs (environment):
#   EMBER_SWIFT_MAX_FILE_SIZE=5368709122  largest single object (lower it to test SLO/DLO)
#   EMBER_SWIFT_UPDATERS=1                run object-updater + container-updater (keeps
#                                        listings/account stats right after slow updates)
#   EMBER_SWIFT_KEYSTONE=1                run a ~100-line fake Keystone (v2.0 + v3 password
#                                        auth, see SWIFT_KS_*) that turns a v2/v3 login for
#                                        user U in project P into the tempauth login P:U
#   EMBER_SWIFT_TIMEOUT=60                seconds to wait for the servers
set -euo pipefail

SERVICE=swift WHAT="Swift all-in-one"
MAX_FILE_SIZE=${EMBER_SWIFT_MAX_FILE_SIZE:-5368709122}
WITH_UPDATERS=${EMBER_SWIFT_UPDATERS:-1}
WITH_KEYSTONE=${EMBER_SWIFT_KEYSTONE:-1}
TIMEOUT=${EMBER_SWIFT_TIMEOUT:-60}
STOP_WAIT=5 POLL=0.2     # lib.sh: seconds from SIGTERM to SIGKILL; wait_for's poll interval
PY=/usr/bin/python3   # Debian's python: the one that has the swift modules
# shellcheck source=tests/services/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

open_data_dir "$@"
ETC=$DATA_DIR/etc
DEVICES=$DATA_DIR/srv
PID_MATCH=$DATA_DIR/   # every process of ours names a file in DATA_DIR

# ---------------------------------------------------------------- helpers
# Packages come from scripts/install-deps.sh; name the missing ones instead of installing.
ensure_packages() {
  local need=()
  command -v swift-proxy-server >/dev/null || need+=(swift-proxy)
  command -v swift-account-server >/dev/null || need+=(swift-account)
  command -v swift-container-server >/dev/null || need+=(swift-container)
  command -v swift-object-server >/dev/null || need+=(swift-object)
  command -v swift-ring-builder >/dev/null || need+=(swift)
  command -v swift >/dev/null || need+=(python3-swiftclient)
  command -v memcached >/dev/null || need+=(memcached)
  command -v curl >/dev/null || need+=(curl)
  [ -x "$PY" ] || need+=(python3)
  need_packages "${need[@]}"
}

procs() { # what this SAIO runs, in start order
  echo memcached account container object proxy
  if [ -f "$ETC/updaters" ]; then echo object-updater container-updater; fi
  if [ -f "$ETC/keystone" ]; then echo keystone; fi
}

load_params() {
  # shellcheck disable=SC1091
  . "$DATA_DIR/params"
}

print_env() {
  local base=http://127.0.0.1:$P_PROXY
  echo "SWIFT_AUTH_URL=$base/auth/v1.0"
  echo "SWIFT_USER=test:tester"
  echo "SWIFT_KEY=testing"
  echo "SWIFT_STORAGE_URL=$base/v1/AUTH_test"
  echo "SWIFT_USER2=test2:tester2"
  echo "SWIFT_KEY2=testing2"
  echo "SWIFT_PROXY_URL=$base"
  echo "ST_AUTH=$base/auth/v1.0"
  echo "ST_USER=test:tester"
  echo "ST_KEY=testing"
  if [ -f "$ETC/keystone" ]; then
    echo "SWIFT_KS_AUTH_URL_V3=http://127.0.0.1:$P_KEYSTONE/v3"
    echo "SWIFT_KS_AUTH_URL_V2=http://127.0.0.1:$P_KEYSTONE/v2.0"
    echo "SWIFT_KS_USER=tester"
    echo "SWIFT_KS_PASSWORD=testing"
    echo "SWIFT_KS_PROJECT=test"
    echo "SWIFT_KS_DOMAIN=Default"
  fi
}

# ---------------------------------------------------------------- config
write_conf() { # (re)written at every start from the params, so edits of this script apply
  local me common
  me=$(id -un)
  mkdir -p "$ETC" "$RUN" "$LOGS" "$DEVICES/d1" "$DATA_DIR/cache"
  cat >"$ETC/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = $P_HASH
swift_hash_path_prefix = saio

[storage-policy:0]
name = gold
default = yes

[swift-constraints]
max_file_size = $MAX_FILE_SIZE
EOF
  common="bind_ip = 127.0.0.1
bind_timeout = 10
workers = 0
user = $me
swift_dir = $ETC
devices = $DEVICES
mount_check = false
disable_fallocate = true
fallocate_reserve = 0
log_level = INFO
recon_cache_path = $DATA_DIR/cache"

  cat >"$ETC/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $P_PROXY
bind_timeout = 10
workers = 0
user = $me
swift_dir = $ETC
log_level = INFO

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit tempauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
# one replica on one device: never "error-limit" it (default 10 errors -> 60 s of 503s)
error_suppression_limit = 1000000
error_suppression_interval = 1
conn_timeout = 5
node_timeout = 60
recoverable_node_timeout = 60
client_timeout = 120

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test_tester2 = testing2
user_test2_tester2 = testing2 .admin
token_life = 86400

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$P_MEMCACHED

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:ratelimit]
use = egg:swift#ratelimit
[filter:copy]
use = egg:swift#copy
[filter:container-quotas]
use = egg:swift#container_quotas
[filter:account-quotas]
use = egg:swift#account_quotas
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true
[filter:symlink]
use = egg:swift#symlink
EOF

  local s
  for s in account container object; do
    local port_var=P_${s^^}
    cat >"$ETC/$s-server.conf" <<EOF
[DEFAULT]
bind_port = ${!port_var}
$common

[pipeline:main]
pipeline = healthcheck $s-server

[app:$s-server]
use = egg:swift#$s

[filter:healthcheck]
use = egg:swift#healthcheck

[$s-replicator]
[$s-auditor]
EOF
  done
  cat >>"$ETC/container-server.conf" <<EOF
[container-updater]
interval = 5
[container-sync]
[container-sharder]
EOF
  cat >>"$ETC/object-server.conf" <<EOF
[object-updater]
interval = 5
[object-reconstructor]
EOF
  sed -i 's/^\[app:object-server\]$/[app:object-server]\ncontainer_update_timeout = 5/' "$ETC/object-server.conf"
}

build_rings() { # what `swift-ring-builder X create 8 1 1; add r1z1-127.0.0.1:PORT/d1 1;
  # rebalance` does, three rings in one python start instead of nine (saves ~5 s)
  "$PY" - "$ETC" "$P_ACCOUNT" "$P_CONTAINER" "$P_OBJECT" <<'EOF'
import os, sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for kind, port in zip(('account', 'container', 'object'), sys.argv[2:]):
    b = RingBuilder(8, 1, 1)
    b.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
               'device': 'd1', 'weight': 1, 'meta': ''})
    b.rebalance()
    b.save(os.path.join(etc, kind + '.builder'))
    b.get_ring().save(os.path.join(etc, kind + '.ring.gz'))
EOF
}

# ---------------------------------------------------------------- processes
# The stock /usr/bin/swift-* scripts read /etc/swift/swift.conf (hash prefix, policies,
# constraints) from a hard-coded path; this launcher points swift at $ETC/swift.conf first.
write_launcher() {
  cat >"$ETC/fake_keystone.py" <<'EOF'
"""Minimal fake Keystone (v2.0 + v3 password auth) in front of a tempauth Swift.

A v2/v3 login for user U in project P with password K is turned into a tempauth v1
login "P:U"/K; the tempauth token becomes the Keystone token and the v1 storage URL
the catalog's object-store endpoint. Usage: fake_keystone.py PORT SWIFT_PROXY_URL
"""
import json
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
PROXY = sys.argv[2].rstrip('/')
BASE = 'http://127.0.0.1:%d' % PORT


def v1_login(project, user, key):
    req = urllib.request.Request(PROXY + '/auth/v1.0', headers={
        'X-Auth-User': '%s:%s' % (project, user), 'X-Auth-Key': key})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.headers['X-Auth-Token'], r.headers['X-Storage-Url']
    except urllib.error.HTTPError:
        return None, None


def expiry():
    t = datetime.now(timezone.utc) + timedelta(hours=23)
    return t.strftime('%Y-%m-%dT%H:%M:%S.000000Z')


V3 = {'id': 'v3.14', 'status': 'stable', 'updated': '2020-04-07T00:00:00Z',
      'links': [{'rel': 'self', 'href': BASE + '/v3/'}],
      'media-types': [{'base': 'application/json',
                       'type': 'application/vnd.openstack.identity-v3+json'}]}
V2 = {'id': 'v2.0', 'status': 'deprecated', 'updated': '2014-04-17T00:00:00Z',
      'links': [{'rel': 'self', 'href': BASE + '/v2.0/'}],
      'media-types': [{'base': 'application/json',
                       'type': 'application/vnd.openstack.identity-v2.0+json'}]}


class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, fmt, *args):
        sys.stderr.write('fake-keystone: ' + (fmt % args) + '\n')

    def send(self, code, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get('Content-Length') or 0)
        return json.loads(self.rfile.read(n) or b'{}')

    def do_GET(self):
        p = self.path.rstrip('/')
        if p in ('', '/'):
            self.send(300, {'versions': {'values': [V3, V2]}})
        elif p == '/v3':
            self.send(200, {'version': V3})
        elif p == '/v2.0':
            self.send(200, {'version': V2})
        else:
            self.send(404, {'error': {'code': 404, 'message': 'not found'}})

    def do_POST(self):
        p = self.path.split('?')[0].rstrip('/')
        try:
            b = self.body()
        except ValueError:
            return self.send(400, {'error': {'code': 400, 'message': 'bad json'}})
        if p == '/v3/auth/tokens':
            return self.v3(b)
        if p == '/v2.0/tokens':
            return self.v2(b)
        self.send(404, {'error': {'code': 404, 'message': 'not found'}})

    def v3(self, b):
        try:
            ident = b['auth']['identity']
            pw = ident['password']['user']
            user, key = pw['name'], pw['password']
            scope = b['auth'].get('scope', {}).get('project', {})
            project = scope.get('name') or scope.get('id')
        except (KeyError, TypeError):
            return self.send(400, {'error': {'code': 400, 'message': 'unsupported auth'}})
        tok, url = v1_login(project, user, key)
        if not tok:
            return self.send(401, {'error': {'code': 401, 'message': 'invalid credentials',
                                             'title': 'Unauthorized'}})
        dom = {'id': 'default', 'name': 'Default'}
        ep = [{'id': 'swift-' + i, 'interface': i, 'region': 'RegionOne',
               'region_id': 'RegionOne', 'url': url} for i in ('public', 'internal', 'admin')]
        token = {'methods': ['password'], 'expires_at': expiry(), 'issued_at': expiry(),
                 'user': {'id': user, 'name': user, 'domain': dom},
                 'project': {'id': project, 'name': project, 'domain': dom},
                 'roles': [{'id': 'member', 'name': 'member'}],
                 'catalog': [{'id': 'swift', 'type': 'object-store', 'name': 'swift',
                              'endpoints': ep}]}
        self.send(201, {'token': token}, [('X-Subject-Token', tok)])

    def v2(self, b):
        try:
            a = b['auth']
            user = a['passwordCredentials']['username']
            key = a['passwordCredentials']['password']
            project = a.get('tenantName') or a.get('tenantId')
        except (KeyError, TypeError):
            return self.send(400, {'error': {'code': 400, 'message': 'unsupported auth'}})
        tok, url = v1_login(project, user, key)
        if not tok:
            return self.send(401, {'error': {'code': 401, 'message': 'invalid credentials'}})
        tenant = {'id': project, 'name': project, 'enabled': True}
        self.send(200, {'access': {
            'token': {'id': tok, 'expires': expiry(), 'tenant': tenant},
            'user': {'id': user, 'name': user, 'username': user, 'roles': [{'name': 'member'}]},
            'serviceCatalog': [{'type': 'object-store', 'name': 'swift', 'endpoints': [
                {'region': 'RegionOne', 'publicURL': url, 'internalURL': url,
                 'adminURL': url, 'tenantId': project}]}]}})


ThreadingHTTPServer(('127.0.0.1', PORT), H).serve_forever()
EOF
  cat >"$ETC/launch.py" <<'EOF'
import logging, sys
from swift.common import utils
utils.SWIFT_CONF_FILE = sys.argv.pop(1)       # before anything reads it


class NoSyslog(logging.NullHandler):
    """swift always adds a syslog handler; without /dev/log it sends UDP from a socket
    bound to 0.0.0.0. Logs go to the console (-v), which the script sends to a file."""
    def __init__(self, *args, **kwargs):
        logging.NullHandler.__init__(self)


utils.ThreadSafeSysLogHandler = NoSyslog
kind = sys.argv.pop(1)                        # proxy-server | object-updater | ...
conf_file, options = utils.parse_options(once=True)
if kind.endswith('-server'):
    from swift.common.wsgi import run_wsgi
    sys.exit(run_wsgi(conf_file, kind, **options))
from swift.common.daemon import run_daemon
if kind == 'object-updater':
    from swift.obj.updater import ObjectUpdater as klass
elif kind == 'container-updater':
    from swift.container.updater import ContainerUpdater as klass
else:
    sys.exit('unknown kind ' + kind)
run_daemon(klass, conf_file, **options)
EOF
}

start_proc() { # name
  local n=$1 pid
  if proc_pid "$n" >/dev/null; then return 0; fi
  rm -f "$RUN/$n.pid"
  case $n in
    memcached)
      # -u is required (and only allowed) when running as root
      local as_root=()
      if [ "$(id -u)" = 0 ]; then as_root=(-u root); fi
      memcached -d -l 127.0.0.1 -p "$P_MEMCACHED" -U 0 -m 64 -c 1024 \
        -P "$RUN/memcached.pid" "${as_root[@]}" \
        >>"$LOGS/memcached.log" 2>&1 </dev/null || die "memcached failed to start"
      wait_pid memcached 10 || die "memcached did not write its pid file" ;;
    proxy|account|container|object)
      setsid "$PY" "$ETC/launch.py" "$ETC/swift.conf" "$n-server" "$ETC/$n-server.conf" -v \
        >>"$LOGS/$n-server.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    keystone)
      setsid "$PY" "$ETC/fake_keystone.py" "$P_KEYSTONE" "http://127.0.0.1:$P_PROXY" \
        >>"$LOGS/fake-keystone.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    object-updater|container-updater)
      local conf=$ETC/${n%-updater}-server.conf
      setsid "$PY" "$ETC/launch.py" "$ETC/swift.conf" "$n" "$conf" -v \
        >>"$LOGS/$n.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
  esac
  sleep 0.1
  pid=$(proc_pid "$n") || die "$n exited at once, see $LOGS/"
  log "$n running, pid $pid"
}

healthy() { # port
  [ "$(curl -s -m 5 "http://127.0.0.1:$1/healthcheck")" = OK ]
}

auth_works() {
  local code
  code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H 'X-Auth-User: test:tester' \
    -H 'X-Auth-Key: testing' "http://127.0.0.1:$P_PROXY/auth/v1.0")
  [ "$code" = 200 ]
}

account_works() { # a token round trip through memcached and all four servers
  local tok
  tok=$(curl -s -m 10 -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
    "http://127.0.0.1:$P_PROXY/auth/v1.0" | awk -F': ' 'tolower($1) == "x-auth-token" {print $2}' | tr -d '\r')
  [ -n "$tok" ] || return 1
  local code
  code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $tok" \
    "http://127.0.0.1:$P_PROXY/v1/AUTH_test")
  [ "$code" = 204 ] || [ "$code" = 200 ]
}

cmd_start() {
  local t0=$SECONDS
  ensure_packages
  if [ ! -e "$READY" ]; then
    refuse_foreign_dir
    cmd_stop
    log "creating a new Swift all-in-one in $DATA_DIR"
    rm -rf "${DATA_DIR:?}/etc" "$RUN" "$LOGS" "$DEVICES" "$DATA_DIR/cache" "$DATA_DIR/params"
    touch "$MARK"
    local ports
    read -r -a ports < <(free_ports 6)
    printf 'P_PROXY=%s\nP_ACCOUNT=%s\nP_CONTAINER=%s\nP_OBJECT=%s\nP_MEMCACHED=%s\nP_KEYSTONE=%s\nP_HASH=%s\n' \
      "${ports[@]}" "$(cat /proc/sys/kernel/random/uuid)" >"$DATA_DIR/params"
    load_params
    write_conf
    build_rings
    touch "$READY"
  else
    log "existing Swift all-in-one in $DATA_DIR, (re)starting what is not running"
    load_params
    if [ -z "${P_KEYSTONE:-}" ]; then echo "P_KEYSTONE=$(free_ports 1)" >>"$DATA_DIR/params"; load_params; fi
    write_conf
  fi
  write_launcher
  if [ "$WITH_UPDATERS" = 1 ]; then touch "$ETC/updaters"; else rm -f "$ETC/updaters"; fi
  if [ "$WITH_KEYSTONE" = 1 ]; then touch "$ETC/keystone"; else rm -f "$ETC/keystone"; fi
  local n
  for n in $(procs); do start_proc "$n"; done
  wait_for "account server" healthy "$P_ACCOUNT"
  wait_for "container server" healthy "$P_CONTAINER"
  wait_for "object server" healthy "$P_OBJECT"
  wait_for "proxy server" healthy "$P_PROXY"
  wait_for "tempauth (memcached)" auth_works
  wait_for "account AUTH_test" account_works
  if [ -f "$ETC/keystone" ]; then wait_for "fake keystone" curl -sf -m 5 "http://127.0.0.1:$P_KEYSTONE/v3"; fi
  ready "$t0"
}

cmd_stop() {
  local n
  for n in keystone container-updater object-updater proxy object container account memcached; do
    stop_one "$n"
  done
}

cmd_status() {
  local rc=0
  [ -f "$DATA_DIR/params" ] || { echo "no Swift all-in-one in $DATA_DIR"; return 3; }
  load_params
  proc_table || rc=1
  if account_works; then echo "proxy http://127.0.0.1:$P_PROXY: auth + account HEAD ok"
  else echo "proxy http://127.0.0.1:$P_PROXY: NOT answering"; rc=1; fi
  return $rc
}

selftest() {
  load_params
  # the swift CLI prefers ST_*/OS_* from the environment over some of its options
  unset ST_AUTH ST_USER ST_KEY ST_AUTH_VERSION OS_AUTH_URL OS_USERNAME OS_PASSWORD \
    OS_PROJECT_NAME OS_TENANT_NAME OS_AUTH_TOKEN OS_STORAGE_URL OS_AUTH_VERSION \
    OS_IDENTITY_API_VERSION OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME
  local dir=$DATA_DIR/selftest base=http://127.0.0.1:$P_PROXY hdrs tok surl c=selftest$$
  rm -rf "$dir"; mkdir -p "$dir"
  head -c 3000000 /dev/urandom >"$dir/blob"
  log "curl: v1 auth, then container/object PUT, listing, GET, DELETE"
  hdrs=$(curl -sfS -D - -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "$base/auth/v1.0")
  tok=$(awk -F': ' 'tolower($1) == "x-auth-token" {print $2}' <<<"$hdrs" | tr -d '\r')
  surl=$(awk -F': ' 'tolower($1) == "x-storage-url" {print $2}' <<<"$hdrs" | tr -d '\r')
  echo "storage url: $surl"
  curl -sfS -X PUT -H "X-Auth-Token: $tok" "$surl/$c" -o /dev/null
  curl -sfS -T "$dir/blob" -H "X-Auth-Token: $tok" "$surl/$c/dir/blob" -o /dev/null
  echo "listing: $(curl -sfS -H "X-Auth-Token: $tok" "$surl/$c")"
  curl -sfS -H "X-Auth-Token: $tok" "$surl/$c/dir/blob" -o "$dir/blob.back"
  cmp "$dir/blob" "$dir/blob.back" && echo "download matches"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Auth-Token: bogus' "$surl/$c")" = 401 ] \
    && echo "bad token -> 401"
  curl -sfS -X DELETE -H "X-Auth-Token: $tok" "$surl/$c/dir/blob" -o /dev/null
  curl -sfS -X DELETE -H "X-Auth-Token: $tok" "$surl/$c" -o /dev/null
  if [ -f "$ETC/keystone" ]; then
    log "curl: Keystone v3 password auth (fake) -> X-Subject-Token + object-store endpoint"
    local body resp
    body='{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "tester",
      "domain": {"name": "Default"}, "password": "testing"}}},
      "scope": {"project": {"name": "test", "domain": {"name": "Default"}}}}}'
    resp=$(curl -sfS -D "$dir/ks.hdr" -H 'Content-Type: application/json' -d "$body" \
      "http://127.0.0.1:$P_KEYSTONE/v3/auth/tokens")
    tok=$(awk -F': ' 'tolower($1) == "x-subject-token" {print $2}' "$dir/ks.hdr" | tr -d '\r')
    surl=$("$PY" -c 'import json,sys; c=json.load(sys.stdin)["token"]["catalog"]; print([e["url"] for s in c if s["type"]=="object-store" for e in s["endpoints"] if e["interface"]=="public"][0])' <<<"$resp")
    echo "v3 catalog object-store: $surl"
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $tok" "$surl")" = 204 ] \
      && echo "v3 token accepted by the proxy"
    if "$PY" -c 'import keystoneclient' 2>/dev/null; then
      swift -V 3 --os-auth-url "http://127.0.0.1:$P_KEYSTONE/v3" --os-username tester \
        --os-password testing --os-project-name test --os-user-domain-name Default \
        --os-project-domain-name Default stat | head -1
    fi
  fi
  log "swift CLI: upload (segmented), list, stat, download, delete"
  local S=(swift -A "$base/auth/v1.0" -U test:tester -K testing)
  (cd "$dir" && "${S[@]}" upload --segment-size 1000000 "$c" blob)
  "${S[@]}" list
  "${S[@]}" list "$c"
  "${S[@]}" stat "$c" blob | grep -E 'Content Length|Manifest'
  "${S[@]}" download "$c" blob -o "$dir/blob.cli"
  cmp "$dir/blob" "$dir/blob.cli" && echo "CLI download matches"
  "${S[@]}" delete "$c" >/dev/null
  "${S[@]}" delete "${c}_segments" >/dev/null 2>&1 || true
  rm -rf "$dir"
  log "selftest passed"
}

main
