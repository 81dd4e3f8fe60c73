#!/usr/bin/env bash
# cinder.sh - throw-away OpenStack Block Storage (Debian 12: Cinder 21 "Zed", Keystone 22)
# on 127.0.0.1 for Ember's tests and CI, real upstream code from Debian packages:
#   Keystone (uwsgi, sqlite, fernet tokens), a second Keystone process issuing short-lived
#   tokens (same database and keys), a TLS front of Keystone with an untrusted certificate,
#   RabbitMQ (own epmd), cinder-api (uwsgi, keystonemiddleware), cinder-scheduler,
#   cinder-volume (RBD driver, pool "volumes") and cinder-backup (posix driver in
#   DATA_DIR/backups, or the Ceph driver, pool "backups").
# It uses an ALREADY RUNNING cluster of ceph.sh (never starts or stops Ceph itself).
# Derived from the proven shared recipe openstack-cinder.sh; never installs packages
# (scripts/install-deps.sh does, in one apt-get call).
#
# Usage: cinder.sh start|stop|status|env|selftest DATA_DIR
#   start     create the deployment in DATA_DIR (or restart its stopped processes) and
#             print the connection facts as KEY=VALUE lines on stdout (progress on
#             stderr), so `set -a; eval "$(cinder.sh start DIR)"; set +a` works. Idempotent.
#   stop      stop exactly the processes started from DATA_DIR (pid files), keep the
#             data; the Ceph cluster is left alone.
#   status    show the processes (pid, RSS), the cinder services and pools.
#   env       print the connection facts again.
#   selftest  curl: logins, bogus token, application credentials (valid and expired),
#             short-lived token expiry, token revocation, the TLS front; REST: volume
#             on RBD, full + incremental backup, dependent-delete refusal (400), restore
#             compared via rbd export, export/import-record, cleanup; cinder/openstack CLIs.
#   DATA_DIR  everything (configs, sqlite DBs, logs, pid files, posix backups) lives here.
#             To start afresh: stop, rm -rf DATA_DIR.
#
# Accounts (Keystone, domain Default, region RegionOne; passwords random per DATA_DIR):
#   admin / OS_PASSWORD        admin on project admin          (cloud ember-admin)
#   demo / OS_DEMO_PASSWORD    member + reader on project demo (cloud ember-demo; cloud
#                              ember-demo-appcred = an application credential of demo;
#                              a second one, OS_DEMO_EXPIRED_APPCRED_*, has expired)
#   cinder                     service user (admin on project service), used by cinder-api
#
# Knobs (environment):
#   EMBER_CINDER_CEPH_DIR=DIR       the running ceph.sh cluster (required at creation,
#                                   remembered in DATA_DIR/params)
#   EMBER_CINDER_BACKUP=posix|ceph  backup driver, chosen at creation (default posix)
#   EMBER_CINDER_SHORT_TOKEN=20     lifetime (s) of the tokens of KEYSTONE_SHORT_TOKEN_URL
#   EMBER_CINDER_DEBUG=0            1: debug logging in all cinder/keystone logs
#   EMBER_CINDER_TIMEOUT=180        seconds to wait for the services
#   EMBER_CINDER_SELFTEST_QUICK=0   1: the selftest skips restoring the re-imported backup
set -euo pipefail

SERVICE=cinder WHAT="Cinder deployment"
TIMEOUT=${EMBER_CINDER_TIMEOUT:-180}
DEBUG=${EMBER_CINDER_DEBUG:-0}
STOP_WAIT=30 POLL=0.5   # lib.sh: seconds from SIGTERM to SIGKILL; wait_for's poll interval
PY=/usr/bin/python3     # Debian's python: the one that has the openstack modules
REGION=RegionOne
CINDER_HOST=ember       # the cinder "host" of all services: stable across restarts/machines
TOKEN_CACHE_TIME=2      # cinder-api caches a validated token this long (revocation delay)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/services/lib.sh
. "$HERE/lib.sh"

open_data_dir "$@"
ETC=$DATA_DIR/etc
PID_MATCH=$DATA_DIR/    # every process of ours names a file in DATA_DIR
# never inherit another cloud's or cluster's settings
unset OS_CLOUD OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_PROJECT_ID OS_TOKEN \
  OS_AUTH_TYPE OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME OS_REGION_NAME OS_CLIENT_CONFIG_FILE \
  OS_VOLUME_API_VERSION OS_INTERFACE OS_ENDPOINT_TYPE OS_APPLICATION_CREDENTIAL_ID \
  OS_APPLICATION_CREDENTIAL_SECRET CEPH_ARGS CEPH_KEYRING CEPH_CONF \
  RABBITMQ_NODENAME RABBITMQ_NODE_PORT ERL_EPMD_PORT

# ---------------------------------------------------------------- helpers
pymod() { "$PY" -c "import $1" >/dev/null 2>&1; }

# Packages come from scripts/install-deps.sh; name the missing ones instead of installing.
ensure_packages() {
  local need=()
  [ -x "$PY" ] || need+=(python3)
  pymod keystone || need+=(python3-keystone)
  pymod cinder || need+=(python3-cinder)
  command -v cinder >/dev/null || need+=(python3-cinderclient)
  command -v openstack >/dev/null || need+=(python3-openstackclient)
  { pymod rbd && pymod rados; } || need+=(python3-rbd python3-rados)
  command -v rbd >/dev/null || need+=(ceph-common)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
  command -v uwsgi >/dev/null || need+=(uwsgi-core)
  [ -f /usr/lib/uwsgi/plugins/python3_plugin.so ] || need+=(uwsgi-plugin-python3)
  command -v curl >/dev/null || need+=(curl)
  command -v openssl >/dev/null || need+=(openssl)
  need_packages "${need[@]}"
}

rand() { "$PY" -c 'import secrets; print(secrets.token_hex(12))'; }

procs() { # what this deployment runs, in start order
  echo epmd rabbitmq keystone keystone-short keystone-tls \
    cinder-api cinder-scheduler cinder-volume cinder-backup
}

# shellcheck disable=SC2153 # P_* come from the params file
load_params() {
  # shellcheck disable=SC1091
  . "$DATA_DIR/params"
  KS_URL=http://127.0.0.1:$P_KEYSTONE
  KS_SHORT_URL=http://127.0.0.1:$P_KEYSTONE_SHORT
  KS_TLS_URL=https://127.0.0.1:$P_KEYSTONE_TLS
  API_URL=http://127.0.0.1:$P_CINDER_API
  TRANSPORT_URL="rabbit://cinder:$P_RABBIT_PW@127.0.0.1:$P_AMQP/"
  if [ -n "${EMBER_CINDER_CEPH_DIR:-}" ] && [ "$P_CEPH_DIR" != "$(cd "$EMBER_CINDER_CEPH_DIR" 2>/dev/null && pwd -P)" ]; then
    log "warning: this deployment uses the Ceph cluster in $P_CEPH_DIR (EMBER_CINDER_CEPH_DIR ignored)"
  fi
  CEPH_DIR=$P_CEPH_DIR
  CEPH_CONF_FILE=$CEPH_DIR/ceph.conf
}

# the Ceph cluster must already run (ceph.sh); its facts are copied to DATA_DIR/ceph.env
check_ceph() {
  [ -f "$CEPH_DIR/env" ] || die "no running ceph.sh cluster in $CEPH_DIR (start the ceph fixture first)"
  bash "$HERE/ceph.sh" status "$CEPH_DIR" >/dev/null 2>&1 \
    || die "the Ceph cluster in $CEPH_DIR is not running (bash tests/services/ceph.sh start $CEPH_DIR)"
  cp "$CEPH_DIR/env" "$DATA_DIR/ceph.env"
  local pools
  pools=$(timeout 30 rados -c "$CEPH_CONF_FILE" --id admin lspools) || die "rados lspools failed"
  grep -qx volumes <<<"$pools" || die "the Ceph cluster has no pool 'volumes'"
  if [ "$P_BACKUP" = ceph ]; then grep -qx backups <<<"$pools" || die "the Ceph cluster has no pool 'backups'"; fi
}

# ---------------------------------------------------------------- config files
keystone_conf() { # public endpoint, token lifetime (s)
  cat <<EOF
# generated by tests/services/cinder.sh
[DEFAULT]
debug = $DBG
use_stderr = true
public_endpoint = $1
[database]
connection = sqlite:///$DATA_DIR/keystone/keystone.sqlite
[token]
provider = fernet
expiration = $2
[fernet_tokens]
key_repository = $DATA_DIR/keystone/fernet-keys
[fernet_receipts]
key_repository = $DATA_DIR/keystone/fernet-keys
[credential]
key_repository = $DATA_DIR/keystone/credential-keys
[identity]
# bcrypt's default 12 rounds cost ~0.3 s of CPU per password login; 4 is the minimum
password_hash_rounds = 4
[cache]
enabled = false
[oslo_policy]
policy_file = $ETC/keystone-policy.yaml
EOF
}

uwsgi_ini() { # port, wsgi file, threads, [env line]
  cat <<EOF
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$1
wsgi-file = $2
${4:-}
master = true
processes = 1
threads = $3
enable-threads = true
lazy-apps = true
die-on-term = true
need-app = true
buffer-size = 65535
# no keep-alive on a plain http-socket: tell clients, or a reused connection gets a reset
add-header = Connection: close
disable-logging = true
EOF
}

write_conf() { # (re)written at every start from the params, so edits of this script apply
  DBG=False
  [ "$DEBUG" = 1 ] && DBG=True
  mkdir -p "$ETC" "$RUN" "$LOGS" "$DATA_DIR/keystone" "$DATA_DIR/cinder/lock" \
    "$DATA_DIR/rabbitmq" "$DATA_DIR/backups"

  # ---- RabbitMQ: nothing from /etc/rabbitmq, no plugins, only 127.0.0.1
  cat >"$ETC/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$P_AMQP
loopback_users = none
default_vhost = /
default_user = cinder
default_pass = $P_RABBIT_PW
log.console = false
log.file = $LOGS/rabbitmq.log
log.file.level = info
disk_free_limit.absolute = 50MB
EOF
  echo '[].' >"$ETC/rabbitmq-enabled-plugins"
  : >"$ETC/rabbitmq-env.conf"
  echo '[].' >"$ETC/rabbitmq-advanced.config"

  # ---- Keystone: the main one (12 h tokens, used by Cinder's services too) and a second
  # process on the same database and fernet keys whose tokens live EMBER_CINDER_SHORT_TOKEN
  # seconds. A fernet token carries its expiry, so the main Keystone (which cinder-api asks
  # to validate tokens) refuses it once that passed.
  keystone_conf "$KS_URL" 43200 >"$ETC/keystone.conf"
  keystone_conf "$KS_SHORT_URL" "$P_SHORT_TOKEN" >"$ETC/keystone-short.conf"
  cat >"$ETC/keystone.wsgi" <<EOF
import sys
sys.path.insert(0, '$ETC')
import sqlite_immediate
sqlite_immediate.IMMEDIATE = False
from keystone.server.wsgi import initialize_public_application
application = initialize_public_application()
EOF
  # one thread: keystone + sqlite + threads logs "SQLite objects created in a thread can only
  # be used in that same thread" for every garbage-collected connection (seen); requests queue
  uwsgi_ini "$P_KEYSTONE" "$ETC/keystone.wsgi" 1 "env = OS_KEYSTONE_CONFIG_FILES=$ETC/keystone.conf" \
    >"$ETC/keystone-uwsgi.ini"
  uwsgi_ini "$P_KEYSTONE_SHORT" "$ETC/keystone.wsgi" 1 "env = OS_KEYSTONE_CONFIG_FILES=$ETC/keystone-short.conf" \
    >"$ETC/keystone-short-uwsgi.ini"

  # ---- Cinder
  local backup_opts
  if [ "$P_BACKUP" = ceph ]; then
    backup_opts="backup_driver = cinder.backup.drivers.ceph.CephBackupDriver
backup_ceph_conf = $CEPH_CONF_FILE
backup_ceph_user = admin
backup_ceph_pool = backups
backup_ceph_chunk_size = 4194304"
  else
    backup_opts="backup_driver = cinder.backup.drivers.posix.PosixBackupDriver
backup_posix_path = $DATA_DIR/backups"
  fi
  cat >"$ETC/cinder.conf" <<EOF
# generated by tests/services/cinder.sh
[DEFAULT]
debug = $DBG
host = $CINDER_HOST
my_ip = 127.0.0.1
auth_strategy = keystone
transport_url = $TRANSPORT_URL
state_path = $DATA_DIR/cinder
api_paste_config = $ETC/cinder-api-paste.ini
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $P_CINDER_API
osapi_volume_workers = 1
public_endpoint = $API_URL
enabled_backends = ceph
default_volume_type = __DEFAULT__
$backup_opts
backup_workers = 1
rootwrap_config = $ETC/cinder-rootwrap.conf
resource_query_filters_file = $ETC/cinder-resource-filters.json
glance_api_servers = http://127.0.0.1:9
[database]
connection = sqlite:///$DATA_DIR/cinder/cinder.sqlite
[keystone_authtoken]
www_authenticate_uri = $KS_URL
auth_url = $KS_URL
auth_type = password
username = cinder
password = $P_CINDER_PW
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = $REGION
service_token_roles_required = true
# a validated token is trusted this long without asking Keystone again (default 300 s):
# short, so a revoked token is refused within seconds
token_cache_time = $TOKEN_CACHE_TIME
[oslo_concurrency]
lock_path = $DATA_DIR/cinder/lock
[os_brick]
lock_path = $DATA_DIR/cinder/lock
[coordination]
backend_url = file://$DATA_DIR/cinder/coordination
[oslo_messaging_rabbit]
rabbit_qos_prefetch_count = 10
[oslo_policy]
policy_file = $ETC/cinder-policy.yaml
# we are root already: no sudo in front of privsep-helper
[privsep_osbrick]
helper_command = privsep-helper --config-file $ETC/cinder.conf
[cinder_sys_admin]
helper_command = privsep-helper --config-file $ETC/cinder.conf
[ceph]
volume_driver = cinder.volume.drivers.rbd.RBDDriver
volume_backend_name = ceph
rbd_pool = volumes
rbd_ceph_conf = $CEPH_CONF_FILE
rbd_user = admin
rbd_secret_uuid = $P_RBD_SECRET
rbd_flatten_volume_from_snapshot = false
report_discard_supported = true
EOF
  # Cinder's etc/cinder/resource_filters.json (the API logs an ERROR per list call without it)
  cat >"$ETC/cinder-resource-filters.json" <<'EOF'
{
    "volume": ["name", "status", "metadata", "bootable", "migration_status",
               "availability_zone", "group_id", "size", "created_at", "updated_at"],
    "backup": ["name", "status", "volume_id"],
    "snapshot": ["name", "status", "volume_id", "metadata", "availability_zone"],
    "group": [],
    "group_snapshot": ["status", "group_id"],
    "attachment": ["volume_id", "status", "instance_id", "attach_status"],
    "message": ["resource_uuid", "resource_type", "event_id", "request_id", "message_level"],
    "pool": ["name", "volume_type"],
    "volume_type": ["is_public"]
}
EOF
  cat >"$ETC/cinder-api-paste.ini" <<'EOF'
# Cinder's etc/cinder/api-paste.ini (Zed) minus osprofiler (not installed)
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/healthcheck: healthcheck
/v3: openstack_volume_api_v3

[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
noauth = cors http_proxy_to_wsgi request_id faultwrap sizelimit noauth apiv3
noauth_include_project_id = cors http_proxy_to_wsgi request_id faultwrap sizelimit noauth_include_project_id apiv3
keystone = cors http_proxy_to_wsgi request_id faultwrap sizelimit authtoken keystonecontext apiv3
keystone_nolimit = cors http_proxy_to_wsgi request_id faultwrap sizelimit authtoken keystonecontext apiv3

[filter:request_id]
paste.filter_factory = oslo_middleware.request_id:RequestId.factory
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = cinder
[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory
[filter:noauth]
paste.filter_factory = cinder.api.middleware.auth:NoAuthMiddleware.factory
[filter:noauth_include_project_id]
paste.filter_factory = cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory
[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory
[pipeline:apiversions]
pipeline = cors http_proxy_to_wsgi faultwrap osvolumeversionapp
[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory
[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
[app:healthcheck]
paste.app_factory = oslo_middleware:Healthcheck.app_factory
backends = disable_by_file
disable_by_file_path = /nonexistent/healthcheck_disable
EOF
  cat >"$ETC/cinder-api.wsgi" <<EOF
import sys
sys.argv = ['cinder-api', '--config-file', '$ETC/cinder.conf']
sys.path.insert(0, '$ETC')
import sqlite_immediate  # noqa
from cinder.wsgi.wsgi import initialize_application
application = initialize_application()
EOF
  uwsgi_ini "$P_CINDER_API" "$ETC/cinder-api.wsgi" 4 >"$ETC/cinder-api-uwsgi.ini"

  # sqlite shared by several processes (cinder-api + 3 services; two keystones):
  # oslo.db opens every transaction with a deferred BEGIN, so a transaction that reads and
  # then writes fails AT ONCE with "database is locked" when another connection wrote in
  # between (sqlite's busy timeout does not apply to a lock upgrade; seen on the first
  # POST /volumes). BEGIN IMMEDIATE takes the write lock first, so writers queue instead.
  # Imported by the long-running cinder processes. Keystone only gets the busy timeout:
  # it opens a second connection inside a transaction, which BEGIN IMMEDIATE deadlocks (seen).
  cat >"$ETC/sqlite_immediate.py" <<'EOF'
import sqlite3
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

IMMEDIATE = True


@event.listens_for(Pool, 'connect')
def _busy_timeout(dbapi_con, record):
    if isinstance(dbapi_con, sqlite3.Connection):
        dbapi_con.execute('pragma busy_timeout = 60000')


@event.listens_for(Engine, 'begin')       # class-level: runs before oslo.db's listener
def _begin_immediate(conn):
    if IMMEDIATE and conn.dialect.name == 'sqlite' and 'in_transaction' not in conn.info:
        conn.exec_driver_sql('BEGIN IMMEDIATE')
        conn.info['in_transaction'] = True   # oslo.db then skips its own BEGIN
EOF
  # cinder-scheduler/-volume/-backup are the stock entry points (cinder.cmd.*:main),
  # started through this launcher for one reason: os-brick's RBD connector (used in
  # cinder-backup to read an RBD volume through librbd) reads the keyring from the fixed
  # path /etc/ceph/<cluster>.client.<user>.keyring. The launcher points it at the cluster's.
  cat >"$ETC/launch.py" <<EOF
import sys
kind = sys.argv.pop(1)                  # scheduler | volume | backup
sys.path.insert(0, '$ETC')
if kind == 'scheduler':
    from cinder.cmd.scheduler import main
elif kind == 'volume':
    from cinder.cmd.volume import main
elif kind == 'backup':
    from cinder.cmd.backup import main   # imports eventlet and monkey-patches first
    from os_brick.initiator.connectors import rbd as _rbd
    _orig = _rbd.RBDConnector._check_or_get_keyring_contents
    KEYRINGS = {'admin': '$CEPH_DIR/keyring'}

    def _keyring(keyring, cluster_name, user):
        if keyring is None and user in KEYRINGS:
            with open(KEYRINGS[user]) as f:
                return f.read()
        return _orig(keyring, cluster_name, user)
    _rbd.RBDConnector._check_or_get_keyring_contents = staticmethod(_keyring)
else:
    sys.exit('unknown kind ' + kind)
import sqlite_immediate  # noqa  (after eventlet's monkey-patching in cinder.cmd.*)
sys.exit(main())
EOF
  # A TLS front of the main Keystone whose certificate no system store trusts: the tests'
  # "bad certificate" case, and trusted when the client is given KEYSTONE_TLS_CA.
  # One thread per connection relays bytes both ways (select, so one SSL object is never
  # used by two threads).
  cat >"$ETC/tls_front.py" <<'EOF'
"""TLS front: tls_front.py PORT BACKEND_PORT CERT KEY"""
import select, socket, ssl, sys, threading

port, backend, cert, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)


def relay(raw):
    try:
        raw.settimeout(30)
        conn = ctx.wrap_socket(raw, server_side=True)   # a refused certificate ends here
        up = socket.create_connection(('127.0.0.1', backend), timeout=30)
    except OSError:
        raw.close()
        return
    conn.settimeout(300); up.settimeout(300)
    client_open = True
    try:
        while True:
            ready = [conn] if client_open and conn.pending() else \
                select.select([conn, up] if client_open else [up], [], [], 300)[0]
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if s is up:
                    if not data:
                        return
                    conn.sendall(data)
                elif data:
                    up.sendall(data)
                else:
                    client_open = False
                    up.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        for s in (conn, up):
            try:
                s.close()
            except OSError:
                pass


srv = socket.create_server(('127.0.0.1', port))
while True:
    c, _ = srv.accept()
    threading.Thread(target=relay, args=(c,), daemon=True).start()
EOF
}

make_tls_cert() { # a CA of its own and a server certificate for 127.0.0.1 signed by it
  local d=$ETC/tls
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$d/ca.key" -out "$d/ca.pem" -subj "/CN=Ember test CA (untrusted)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 3650 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  rm -f "$d/server.csr" "$d/ca.key" "$d/ca.srl"
}

write_clouds_yaml() {
  cat >"$DATA_DIR/clouds.yaml" <<EOF
# generated by tests/services/cinder.sh
clouds:
  ember-admin:
    auth:
      auth_url: $KS_URL/v3
      username: admin
      password: $P_ADMIN_PW
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
    volume_api_version: 3
  ember-demo:
    auth:
      auth_url: $KS_URL/v3
      username: demo
      password: $P_DEMO_PW
      project_name: demo
      user_domain_name: Default
      project_domain_name: Default
    region_name: $REGION
    interface: public
    identity_api_version: 3
    volume_api_version: 3
  ember-demo-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: $KS_URL/v3
      application_credential_id: $F_APPCRED_ID
      application_credential_secret: $P_APPCRED_SECRET
    region_name: $REGION
    interface: public
    identity_api_version: 3
    volume_api_version: 3
EOF
}

# ---------------------------------------------------------------- python helper
write_helper() {
  cat >"$ETC/oc.py" <<'EOF'
"""Helper of cinder.sh: keystone setup, readiness probes and the REST selftest.

Usage: oc.py PARAMS_FILE setup|ready|services|selftest   (CEPH_CONF_FILE in the environment)
"""
import datetime
import os
import subprocess
import sys
import time

from keystoneauth1 import exceptions as ksa_exc
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client as ks_client

P = {}
for line in open(sys.argv[1]):
    if '=' in line:
        k, v = line.strip().split('=', 1)
        P[k] = v
DATA_DIR = os.path.dirname(os.path.abspath(sys.argv[1]))
KS = 'http://127.0.0.1:%s' % P['P_KEYSTONE']
API = 'http://127.0.0.1:%s' % P['P_CINDER_API']


def sess(user='admin', pw=None, project=None):
    auth = v3.Password(auth_url=KS + '/v3', username=user, password=pw or P['P_ADMIN_PW'],
                       project_name=project or user, user_domain_name='Default',
                       project_domain_name='Default')
    return session.Session(auth=auth, timeout=60)


def setup():
    """Projects, users, roles, catalog and demo's application credentials (idempotent)."""
    s = sess()
    ks = ks_client.Client(session=s, interface='public', region_name='RegionOne')

    def project(name, desc):
        found = ks.projects.list(name=name, domain='default')
        return found[0] if found else ks.projects.create(name, 'default', description=desc)

    def user(name, pw, proj):
        found = ks.users.list(name=name, domain='default')
        if found:
            return ks.users.update(found[0], password=pw)
        return ks.users.create(name, domain='default', password=pw, default_project=proj)

    def role(name):
        found = ks.roles.list(name=name)
        return found[0] if found else ks.roles.create(name)

    service_p = project('service', 'OpenStack services')
    demo_p = project('demo', 'non-admin test project')
    cinder_u = user('cinder', P['P_CINDER_PW'], service_p)
    demo_u = user('demo', P['P_DEMO_PW'], demo_p)
    ks.roles.grant(role('admin'), user=cinder_u, project=service_p)
    ks.roles.grant(role('member'), user=demo_u, project=demo_p)
    ks.roles.grant(role('reader'), user=demo_u, project=demo_p)

    url = API + '/v3/%(project_id)s'
    for name, stype in (('cinderv3', 'volumev3'), ('cinder', 'block-storage')):
        found = ks.services.list(type=stype)
        svc = found[0] if found else ks.services.create(
            name, type=stype, description='Cinder Volume Service')
        for iface in ('public', 'internal', 'admin'):
            eps = ks.endpoints.list(service=svc, interface=iface)
            if eps:
                if eps[0].url != url:
                    ks.endpoints.update(eps[0], url=url)
            else:
                ks.endpoints.create(svc, url, interface=iface, region='RegionOne')

    # demo's application credentials: must be created by demo itself. The second one
    # expires a few seconds from now, so it has expired when the tests use it.
    ds = sess('demo', P['P_DEMO_PW'], 'demo')
    dks = ks_client.Client(session=ds, interface='public', region_name='RegionOne')
    uid = ds.get_user_id()
    have = {a.name: a for a in dks.application_credentials.list(user=uid)}
    ac = have.get('ember-demo') or dks.application_credentials.create(
        'ember-demo', user=uid, secret=P['P_APPCRED_SECRET'],
        description='cinder.sh test credential')
    expires = datetime.datetime.utcnow() + datetime.timedelta(seconds=5)
    old = have.get('ember-demo-expired')
    if old is not None:
        dks.application_credentials.delete(old)
    ex = dks.application_credentials.create(
        'ember-demo-expired', user=uid, secret=P['P_EXPIRED_APPCRED_SECRET'],
        expires_at=expires, description='cinder.sh test credential, expired on purpose')
    admin_pid = s.get_project_id()
    with open(os.path.join(DATA_DIR, 'facts'), 'w') as f:
        f.write('F_ADMIN_PROJECT_ID=%s\nF_DEMO_PROJECT_ID=%s\nF_APPCRED_ID=%s\n'
                'F_EXPIRED_APPCRED_ID=%s\nF_EXPIRED_APPCRED_UNTIL=%d\n'
                % (admin_pid, demo_p.id, ac.id, ex.id, int(time.time()) + 6))


def cinder(s, method, path, expect=(200, 202, 204), **kw):
    r = s.request(API + '/v3/' + s.get_project_id() + path, method, raise_exc=False,
                  headers={'OpenStack-API-Version': 'volume 3.64'}, **kw)
    if r.status_code not in expect:
        raise SystemExit('%s %s -> %s %s' % (method, path, r.status_code, r.text[:500]))
    return r.json() if r.content else {}


def ready():
    """ready BINARIES [SINCE]: 0 when a token works, the scheduler knows the ceph pool (an
    RPC call: the scheduler consumes its queues) and the services BINARIES (comma-separated)
    are up; with SINCE (epoch), each must also have reported its state after SINCE."""
    need = set(sys.argv[3].split(','))
    since = float(sys.argv[4]) if len(sys.argv) > 4 else 0
    s = sess()
    pools = cinder(s, 'GET', '/scheduler-stats/get_pools')['pools']
    svcs = cinder(s, 'GET', '/os-services')['services']

    def reported(x):
        t = datetime.datetime.fromisoformat(x['updated_at'] or '1970-01-01T00:00:00')
        return t.replace(tzinfo=datetime.timezone.utc).timestamp() > since
    up = {x['binary'] for x in svcs
          if x['state'] == 'up' and x['status'] == 'enabled' and reported(x)}
    sys.exit(0 if pools and need <= up else 1)


def services():
    s = sess()
    for x in cinder(s, 'GET', '/os-services')['services']:
        print('%-18s %-18s %-8s %-5s %s' % (x['binary'], x['host'], x['status'], x['state'],
                                            x['updated_at']))
    for p in cinder(s, 'GET', '/scheduler-stats/get_pools?detail=true')['pools']:
        c = p['capabilities']
        print('pool %s: %s GiB total, %s GiB free, driver %s' % (
            p['name'], c.get('total_capacity_gb'), c.get('free_capacity_gb'),
            c.get('driver_version')))


def step(name, t0):
    print('  %-44s %6.1f s' % (name, time.time() - t0), flush=True)


def wait(s, kind, oid, want='available', timeout=600):
    t_end = time.time() + timeout
    while True:
        r = s.get(API + '/v3/%s/%s/%s' % (s.get_project_id(), kind, oid), raise_exc=False,
                  headers={'OpenStack-API-Version': 'volume 3.64'})
        if r.status_code == 404 and want == 'deleted':
            return None
        obj = r.json()[kind[:-1]]
        if obj['status'] == want:
            return obj
        if obj['status'] in ('error', 'error_restoring', 'error_deleting') \
                or time.time() > t_end:
            raise SystemExit('%s %s is %s (waiting for %s): %s' % (
                kind, oid, obj['status'], want, obj.get('fail_reason', '')))
        time.sleep(0.5)


def rbd(*args, **kw):
    conf = os.environ['CEPH_CONF_FILE']
    return subprocess.run(['rbd', '-c', conf, '--id', 'admin'] + list(args), check=True, **kw)


def rbd_sum(image):
    """md5 of the whole image, read through librbd (rbd export to stdout)."""
    p = subprocess.run('rbd -c %s --id admin export --no-progress volumes/%s - | md5sum'
                       % (os.environ['CEPH_CONF_FILE'], image), shell=True, check=True,
                       capture_output=True, text=True)
    return p.stdout.split()[0]


def cleanup(s):
    """Remove what an interrupted selftest left behind (names st-*)."""
    bl = [b for b in cinder(s, 'GET', '/backups/detail')['backups']
          if (b['name'] or '').startswith('st-')]
    for incremental in (True, False):
        for b in bl:
            if b['is_incremental'] == incremental:
                print('  removing leftover backup %s (%s)' % (b['id'], b['name']))
                cinder(s, 'POST', '/backups/%s/action' % b['id'],
                       json={'os-reset_status': {'status': 'available'}})
                cinder(s, 'DELETE', '/backups/' + b['id'])
                wait(s, 'backups', b['id'], 'deleted')
    for v in cinder(s, 'GET', '/volumes/detail')['volumes']:
        if (v['name'] or '').startswith('st-'):
            print('  removing leftover volume %s (%s)' % (v['id'], v['name']))
            cinder(s, 'POST', '/volumes/%s/action' % v['id'],
                   json={'os-reset_status': {'status': 'available'}})
            cinder(s, 'DELETE', '/volumes/' + v['id'])
            wait(s, 'volumes', v['id'], 'deleted')


def selftest():
    t_all = time.time()
    s = sess()
    cleanup(s)
    ds = sess('demo', P['P_DEMO_PW'], 'demo')
    r = ds.get(API + '/v3/' + ds.get_project_id() + '/volumes', raise_exc=False)
    assert r.status_code == 200, r.text

    t0 = time.time()
    vol = cinder(s, 'POST', '/volumes', json={'volume': {'size': 1, 'name': 'st-src'}})['volume']
    wait(s, 'volumes', vol['id'])
    step('volume create 1 GiB (RBD) -> available', t0)
    img = 'volume-' + vol['id']
    rbd('info', 'volumes/' + img, stdout=subprocess.DEVNULL)
    # some data: 8 MiB at the start
    rbd('bench', '--io-type', 'write', '--io-size', '4M', '--io-total', '8M',
        '--io-pattern', 'seq', 'volumes/' + img, stdout=subprocess.DEVNULL)

    t0 = time.time()
    full = cinder(s, 'POST', '/backups', json={'backup': {
        'volume_id': vol['id'], 'name': 'st-full'}})['backup']
    wait(s, 'backups', full['id'])
    step('full backup of 1 GiB -> available', t0)

    rbd('bench', '--io-type', 'write', '--io-size', '1M', '--io-total', '4M',
        '--io-pattern', 'rand', 'volumes/' + img, stdout=subprocess.DEVNULL)
    src_sum = rbd_sum(img)
    t0 = time.time()
    incr = cinder(s, 'POST', '/backups', json={'backup': {
        'volume_id': vol['id'], 'name': 'st-incr', 'incremental': True}})['backup']
    wait(s, 'backups', incr['id'])
    step('incremental backup -> available', t0)
    # cinder-backup saves the incremental as available first and counts it in
    # its parent's num_dependent_backups just after: wait for that too.
    deadline = time.time() + 30
    while (not cinder(s, 'GET', '/backups/%s' % full['id'])['backup']['has_dependent_backups']
           and time.time() < deadline):
        time.sleep(0.2)

    bl = cinder(s, 'GET', '/backups/detail')['backups']
    for b in bl:
        if b['id'] in (full['id'], incr['id']):
            print('  backup %s %-8s is_incremental=%s has_dependent_backups=%s size=%s' % (
                b['id'], b['name'], b['is_incremental'], b['has_dependent_backups'], b['size']))
    fb = [b for b in bl if b['id'] == full['id']][0]
    ib = [b for b in bl if b['id'] == incr['id']][0]
    assert fb['has_dependent_backups'] and not fb['is_incremental'], fb
    assert ib['is_incremental'] and not ib['has_dependent_backups'], ib

    r = s.delete(API + '/v3/%s/backups/%s' % (s.get_project_id(), full['id']), raise_exc=False)
    msg = r.json().get('badRequest', {}).get('message')
    print('  delete full backup with a dependent -> HTTP %s: %s' % (r.status_code, msg))
    # Cinder's message: "Invalid backup: Incremental backups exist for this backup."
    assert r.status_code == 400 and 'Incremental backups exist for this backup.' in msg, r.text

    t0 = time.time()
    res = cinder(s, 'POST', '/backups/%s/restore' % incr['id'],
                 json={'restore': {'name': 'st-restored'}})['restore']
    wait(s, 'volumes', res['volume_id'])
    step('restore incremental into a new volume', t0)
    dst_sum = rbd_sum('volume-' + res['volume_id'])
    print('  restored volume md5 %s, source %s' % (dst_sum, src_sum))
    assert dst_sum == src_sum

    t0 = time.time()
    rec = cinder(s, 'GET', '/backups/%s/export_record' % full['id'])['backup-record']
    step('export-record (full backup)', t0)
    print('  backup_service=%s backup_url=%d bytes' % (rec['backup_service'],
                                                      len(rec['backup_url'])))
    posix = rec['backup_service'].endswith('PosixBackupDriver')
    keep = None
    if posix:
        # a real round trip: keep the backup files, delete the backup, import it back
        keep = os.path.join(DATA_DIR, 'selftest-backups')
        subprocess.run(['rm', '-rf', keep], check=True)
        subprocess.run(['cp', '-a', os.path.join(DATA_DIR, 'backups'), keep], check=True)

    t0 = time.time()
    cinder(s, 'DELETE', '/backups/' + incr['id'])
    wait(s, 'backups', incr['id'], 'deleted')
    cinder(s, 'DELETE', '/backups/' + full['id'])
    wait(s, 'backups', full['id'], 'deleted')
    step('delete incremental, then full', t0)

    t0 = time.time()
    if posix:
        subprocess.run('cp -a %s/. %s/' % (keep, os.path.join(DATA_DIR, 'backups')),
                       shell=True, check=True)
    imp = cinder(s, 'POST', '/backups/import_record', expect=(201,),
                 json={'backup-record': rec})['backup']
    wait(s, 'backups', imp['id'])
    step('import-record -> available', t0)
    assert imp['id'] == full['id']
    # EMBER_CINDER_SELFTEST_QUICK=1 (the ctest selftest): the cloud tests restore imported
    # records and compare them; a second 1 GiB restore here would only cost minutes.
    quick = os.environ.get('EMBER_CINDER_SELFTEST_QUICK') == '1'
    if posix and not quick:
        t0 = time.time()
        res2 = cinder(s, 'POST', '/backups/%s/restore' % imp['id'],
                      json={'restore': {'name': 'st-imported'}})['restore']
        wait(s, 'volumes', res2['volume_id'])
        step('restore the imported full backup', t0)
        vid2 = res2['volume_id']
        cinder(s, 'DELETE', '/volumes/' + vid2)
        wait(s, 'volumes', vid2, 'deleted')
    if keep:
        subprocess.run(['rm', '-rf', keep], check=True)
    cinder(s, 'DELETE', '/backups/' + imp['id'])
    wait(s, 'backups', imp['id'], 'deleted')

    t0 = time.time()
    for vid in (res['volume_id'], vol['id']):
        cinder(s, 'DELETE', '/volumes/' + vid)
    for vid in (res['volume_id'], vol['id']):
        wait(s, 'volumes', vid, 'deleted')
    step('delete 2 volumes', t0)
    left = rbd('ls', 'volumes', capture_output=True, text=True).stdout.split()
    left = [x for x in left if x in (img, 'volume-' + res['volume_id'])]
    assert not left, left
    print('  REST part %.1f s' % (time.time() - t_all))


cmd = sys.argv[2]
try:
    {'setup': setup, 'ready': ready, 'services': services, 'selftest': selftest}[cmd]()
except (ksa_exc.ConnectFailure, ksa_exc.Unauthorized, ksa_exc.DiscoveryFailure,
        ksa_exc.ServiceUnavailable, ksa_exc.EndpointNotFound, ksa_exc.GatewayTimeout):
    if cmd == 'ready':
        sys.exit(1)
    raise
EOF
}

# sqlite in WAL mode (persistent in the file): readers never block a writer. In the default
# rollback-journal mode keystone's own threads, and the 4 cinder processes sharing one file,
# fail with "database is locked" (seen at the first POST /v3/projects).
wal() { "$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("pragma journal_mode=wal")' "$1"; }

oc() { CEPH_CONF_FILE=$CEPH_CONF_FILE "$PY" "$ETC/oc.py" "$DATA_DIR/params" "$@"; }

# ---------------------------------------------------------------- processes
start_proc() { # name
  local n=$1 pid
  if proc_pid "$n" >/dev/null; then return 0; fi
  rm -f "$RUN/$n.pid"
  case $n in
    epmd)
      # our own epmd on a random port: never share (or leave behind) the system one on 4369
      # shellcheck disable=SC2016 # expanded by the inner bash
      setsid bash -c 'exec -a "$0" epmd -port "$1" -address 127.0.0.1' "$RUN/epmd" "$P_EPMD" \
        >>"$LOGS/epmd.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    rabbitmq)
      # the wrapper script traps SIGTERM and stops the Erlang VM cleanly; the extra
      # -ember_data_dir flag is ignored by Erlang and puts DATA_DIR into both command lines
      env HOME="$DATA_DIR/rabbitmq" \
        RABBITMQ_NODENAME="rabbit-$P_AMQP@localhost" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$P_AMQP" \
        RABBITMQ_DIST_PORT="$P_DIST" ERL_EPMD_PORT="$P_EPMD" ERL_EPMD_ADDRESS=127.0.0.1 \
        RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq-env.conf" \
        RABBITMQ_CONFIG_FILE="$ETC/rabbitmq.conf" \
        RABBITMQ_ADVANCED_CONFIG_FILE="$ETC/rabbitmq-advanced.config" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq-enabled-plugins" \
        RABBITMQ_MNESIA_BASE="$DATA_DIR/rabbitmq/mnesia" \
        RABBITMQ_LOG_BASE="$LOGS" \
        RABBITMQ_PID_FILE="$RUN/rabbitmq-beam.pid" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false" \
        setsid /usr/lib/rabbitmq/bin/rabbitmq-server -ember_data_dir "$DATA_DIR/" \
        >>"$LOGS/rabbitmq-console.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    keystone|keystone-short|cinder-api)
      setsid uwsgi --ini "$ETC/$n-uwsgi.ini" >>"$LOGS/$n.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    keystone-tls)
      setsid "$PY" "$ETC/tls_front.py" "$P_KEYSTONE_TLS" "$P_KEYSTONE" \
        "$ETC/tls/server.pem" "$ETC/tls/server.key" >>"$LOGS/$n.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
    cinder-scheduler|cinder-volume|cinder-backup)
      setsid "$PY" "$ETC/launch.py" "${n#cinder-}" --config-file "$ETC/cinder.conf" \
        --log-file "$LOGS/$n.log" >>"$LOGS/$n.console.log" 2>&1 </dev/null &
      echo $! >"$RUN/$n.pid" ;;
  esac
  sleep 0.2
  pid=$(proc_pid "$n") || { tail -n 20 "$LOGS/$n"*.log >&2 2>/dev/null || true; die "$n exited at once, see $LOGS/"; }
  log "$n running, pid $pid"
}

amqp_up() {
  "$PY" - "$P_AMQP" "$P_RABBIT_PW" <<'EOF'
import sys, amqp
c = amqp.Connection('127.0.0.1:%s' % sys.argv[1], userid='cinder', password=sys.argv[2],
                    connect_timeout=5)
c.connect(); c.close()
EOF
}
http_up() { curl -fsS -m 10 -o /dev/null "$@"; }

create() {
  log "creating a new Cinder deployment in $DATA_DIR (Ceph cluster: $EMBER_CINDER_CEPH_DIR)"
  rm -rf "${DATA_DIR:?}/etc" "$RUN" "$LOGS" "$DATA_DIR/keystone" "$DATA_DIR/cinder" \
    "$DATA_DIR/rabbitmq" "$DATA_DIR/backups" "$DATA_DIR/params" "$DATA_DIR/facts" \
    "$DATA_DIR/clouds.yaml" "$DATA_DIR/ceph.env" "$DATA_DIR/env"
  touch "$MARK"
  local ports backup=${EMBER_CINDER_BACKUP:-posix} ceph_dir
  case $backup in posix|ceph) ;; *) die "EMBER_CINDER_BACKUP must be posix or ceph";; esac
  ceph_dir=$(cd "$EMBER_CINDER_CEPH_DIR" && pwd -P) || die "no directory $EMBER_CINDER_CEPH_DIR"
  read -r -a ports < <(free_ports 7)
  {
    printf 'P_KEYSTONE=%s\nP_KEYSTONE_SHORT=%s\nP_KEYSTONE_TLS=%s\nP_CINDER_API=%s\nP_AMQP=%s\nP_DIST=%s\nP_EPMD=%s\n' "${ports[@]}"
    printf 'P_ADMIN_PW=%s\nP_DEMO_PW=%s\nP_CINDER_PW=%s\nP_RABBIT_PW=%s\nP_APPCRED_SECRET=%s\nP_EXPIRED_APPCRED_SECRET=%s\n' \
      "$(rand)" "$(rand)" "$(rand)" "$(rand)" "$(rand)" "$(rand)"
    printf 'P_RBD_SECRET=%s\nP_BACKUP=%s\nP_CEPH_DIR=%s\nP_SHORT_TOKEN=%s\n' \
      "$(cat /proc/sys/kernel/random/uuid)" "$backup" "$ceph_dir" "${EMBER_CINDER_SHORT_TOKEN:-20}"
  } >"$DATA_DIR/params"
  load_params
  check_ceph
  write_conf
  write_helper
  make_tls_cert

  local t=$SECONDS
  start_proc epmd
  start_proc rabbitmq

  log "keystone: db_sync, fernet_setup, credential_setup, bootstrap"
  local km=("$PY" -c 'import sys; from keystone.cmd.manage import main; sys.exit(main())'
            --config-file "$ETC/keystone.conf")
  {
    "${km[@]}" db_sync &&
    "${km[@]}" fernet_setup --keystone-user root --keystone-group root &&
    "${km[@]}" credential_setup --keystone-user root --keystone-group root &&
    "${km[@]}" bootstrap --bootstrap-password "$P_ADMIN_PW" --bootstrap-username admin \
      --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
      --bootstrap-admin-url "$KS_URL/v3" --bootstrap-public-url "$KS_URL/v3" \
      --bootstrap-internal-url "$KS_URL/v3"
  } >>"$LOGS/keystone-manage.log" 2>&1 || { tail -20 "$LOGS/keystone-manage.log" >&2; die "keystone-manage failed"; }
  wal "$DATA_DIR/keystone/keystone.sqlite"
  log "keystone-manage done in $((SECONDS - t))s"
  start_proc keystone
  wait_for "keystone" http_up "$KS_URL/v3"
  log "keystone: projects, users, roles, catalog, application credentials"
  oc setup >>"$LOGS/setup.log" 2>&1 || { tail -20 "$LOGS/setup.log" >&2; die "keystone setup failed"; }

  log "cinder-manage db sync"
  "$PY" -c 'import sys; from cinder.cmd.manage import main; sys.exit(main())' \
    --config-file "$ETC/cinder.conf" --log-file "$LOGS/cinder-manage.log" db sync \
    >>"$LOGS/cinder-manage.console.log" 2>&1 \
    || { tail -20 "$LOGS"/cinder-manage*.log >&2; die "cinder-manage db sync failed"; }
  wal "$DATA_DIR/cinder/cinder.sqlite"
  touch "$READY"
}

print_env() {
  # shellcheck disable=SC1091
  . "$DATA_DIR/facts"
  echo "OS_AUTH_URL=$KS_URL/v3"
  echo "OS_USERNAME=admin"
  echo "OS_PASSWORD=$P_ADMIN_PW"
  echo "OS_PROJECT_NAME=admin"
  echo "OS_PROJECT_ID=$F_ADMIN_PROJECT_ID"
  echo "OS_USER_DOMAIN_NAME=Default"
  echo "OS_PROJECT_DOMAIN_NAME=Default"
  echo "OS_IDENTITY_API_VERSION=3"
  echo "OS_VOLUME_API_VERSION=3"
  echo "OS_REGION_NAME=$REGION"
  echo "OS_INTERFACE=public"
  echo "OS_CLIENT_CONFIG_FILE=$DATA_DIR/clouds.yaml"
  echo "OS_DEMO_AUTH_URL=$KS_URL/v3"
  echo "OS_DEMO_USERNAME=demo"
  echo "OS_DEMO_PASSWORD=$P_DEMO_PW"
  echo "OS_DEMO_PROJECT_NAME=demo"
  echo "OS_DEMO_PROJECT_ID=$F_DEMO_PROJECT_ID"
  echo "OS_DEMO_USER_DOMAIN_NAME=Default"
  echo "OS_DEMO_PROJECT_DOMAIN_NAME=Default"
  echo "OS_DEMO_APPLICATION_CREDENTIAL_ID=$F_APPCRED_ID"
  echo "OS_DEMO_APPLICATION_CREDENTIAL_SECRET=$P_APPCRED_SECRET"
  echo "OS_DEMO_EXPIRED_APPCRED_ID=$F_EXPIRED_APPCRED_ID"
  echo "OS_DEMO_EXPIRED_APPCRED_SECRET=$P_EXPIRED_APPCRED_SECRET"
  echo "KEYSTONE_URL=$KS_URL"
  echo "KEYSTONE_SHORT_TOKEN_URL=$KS_SHORT_URL/v3"
  echo "KEYSTONE_SHORT_TOKEN_SECONDS=$P_SHORT_TOKEN"
  echo "KEYSTONE_TLS_URL=$KS_TLS_URL/v3"
  echo "KEYSTONE_TLS_CA=$ETC/tls/ca.pem"
  echo "CINDER_URL=$API_URL"
  echo "CINDER_ENDPOINT=$API_URL/v3/$F_ADMIN_PROJECT_ID"
  echo "CINDER_DEMO_ENDPOINT=$API_URL/v3/$F_DEMO_PROJECT_ID"
  echo "CINDER_TOKEN_CACHE_SECONDS=$TOKEN_CACHE_TIME"
  echo "CINDER_BACKUP_DRIVER=$P_BACKUP"
  if [ "$P_BACKUP" = posix ]; then echo "CINDER_BACKUP_POSIX_PATH=$DATA_DIR/backups"; fi
  echo "CINDER_RBD_POOL=volumes"
  echo "CINDER_TRANSPORT_URL=$TRANSPORT_URL"
  # the Ceph cluster's own facts (CEPH_CONF, CEPH_KEYRING, CEPH_MON_HOST...)
  grep -E '^CEPH_[A-Z_]+=' "$DATA_DIR/ceph.env" || true
}

cmd_start() {
  local t0=$SECONDS
  ensure_packages
  if [ -e "$READY" ] && [ -f "$DATA_DIR/params" ]; then
    log "existing deployment in $DATA_DIR, (re)starting what is not running"
    load_params
    check_ceph
    write_conf
    write_helper
    start_proc epmd
    start_proc rabbitmq
    start_proc keystone
  else
    refuse_foreign_dir
    [ -n "${EMBER_CINDER_CEPH_DIR:-}" ] \
      || die "set EMBER_CINDER_CEPH_DIR to the data dir of a running ceph.sh cluster"
    cmd_stop
    create
  fi
  wait_for "rabbitmq (AMQP on 127.0.0.1:$P_AMQP)" amqp_up
  wait_for "keystone" http_up "$KS_URL/v3"
  local n
  for n in keystone-short keystone-tls cinder-api cinder-scheduler cinder-volume; do
    start_proc "$n"
  done
  wait_for "keystone (short-lived tokens)" http_up "$KS_SHORT_URL/v3"
  wait_for "keystone behind TLS" http_up --cacert "$ETC/tls/ca.pem" "$KS_TLS_URL/v3"
  wait_for "cinder-api" http_up "$API_URL/"
  wait_for "cinder-scheduler and -volume up, the scheduler knowing the ceph pool" \
    oc ready cinder-scheduler,cinder-volume
  # cinder-backup tells the scheduler its capabilities once at start (then every minute or
  # two); the scheduler places backups only on services it heard from ("Service not found
  # for creating backup", seen when cinder-backup started first). So it starts once the
  # scheduler consumes its queues, and it is ready once it reported its state (10 s after
  # its start: its start-up, capabilities included, is done by then).
  local backup_since=0
  if ! proc_pid cinder-backup >/dev/null; then backup_since=$(date +%s); fi
  start_proc cinder-backup
  wait_for "cinder-backup reporting to the scheduler" oc ready cinder-backup "$backup_since"
  # shellcheck disable=SC1091
  . "$DATA_DIR/facts"
  write_clouds_yaml
  # the expired application credential must have expired before anyone uses it
  local wait_s=$((F_EXPIRED_APPCRED_UNTIL - $(date +%s)))
  if [ "$wait_s" -gt 0 ]; then sleep "$wait_s"; fi
  ready "$t0" "backup driver $P_BACKUP"
}

cmd_stop() {
  local n pids=()
  # the cinder services, the keystones and the TLS front in parallel, then rabbit, epmd
  for n in cinder-backup cinder-volume cinder-scheduler cinder-api keystone-tls keystone-short keystone; do
    stop_one "$n" & pids+=($!)
  done
  wait "${pids[@]}" 2>/dev/null || true
  stop_one rabbitmq
  stop_one epmd
}

cmd_status() {
  local n pid rc=0
  [ -f "$DATA_DIR/params" ] || { echo "no $WHAT in $DATA_DIR"; return 3; }
  load_params
  write_helper
  for n in $(procs); do
    if pid=$(proc_pid "$n"); then
      local rss kid
      rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
      # add the children (uwsgi workers, oslo.service workers, the Erlang VM, privsep)
      for kid in $(pgrep -P "$pid" || true); do
        rss=$((rss + $(awk '/VmRSS/{print $2}' "/proc/$kid/status" 2>/dev/null || echo 0)))
      done
      echo "$n: running, pid $pid, rss $((rss / 1024)) MB (with children)"
    else
      echo "$n: not running"; rc=1
    fi
  done
  oc services || rc=1
  return $rc
}

# ---------------------------------------------------------------- selftest (curl)
# login BODY-FILE URL [CURL-ARGS...]: prints the token (X-Subject-Token) of a 201, or fails
login() {
  local body=$1 url=$2 hdr=$DIR/login.hdr code
  shift 2
  code=$(curl -sS -m 30 -o "$DIR/login.json" -D "$hdr" -w '%{http_code}' "$@" \
    -H 'Content-Type: application/json' -d "@$body" "$url/auth/tokens")
  [ "$code" = 201 ] || { echo "login at $url -> HTTP $code: $(head -c 300 "$DIR/login.json")" >&2; return 1; }
  awk -F': ' 'tolower($1) == "x-subject-token" {print $2}' "$hdr" | tr -d '\r'
}
password_body() { # user password project
  printf '{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "%s", "domain": {"name": "Default"}, "password": "%s"}}}, "scope": {"project": {"name": "%s", "domain": {"name": "Default"}}}}}' "$1" "$2" "$3"
}
appcred_body() { # id secret
  printf '{"auth": {"identity": {"methods": ["application_credential"], "application_credential": {"id": "%s", "secret": "%s"}}}}' "$1" "$2"
}
code_of() { curl -s -m 30 -o /dev/null -w '%{http_code}' "$@"; }
volumes_code() { code_of -H "X-Auth-Token: $1" "$API_URL/v3/$2/volumes"; }
expect() { # what, wanted, got
  [ "$2" = "$3" ] || die "$1: expected $2, got $3"
  echo "  $1 -> $3"
}

selftest() {
  load_params
  # shellcheck disable=SC1091
  . "$DATA_DIR/facts"
  write_helper
  DIR=$DATA_DIR/selftest
  rm -rf "$DIR"; mkdir -p "$DIR"
  local t0=$SECONDS tok dtok stok rtok issued expires code

  log "curl: Keystone logins and cinder-api with their tokens"
  password_body admin "$P_ADMIN_PW" admin >"$DIR/admin.json"
  password_body demo "$P_DEMO_PW" demo >"$DIR/demo.json"
  tok=$(login "$DIR/admin.json" "$KS_URL/v3")
  expect "admin: GET volumes" 200 "$(volumes_code "$tok" "$F_ADMIN_PROJECT_ID")"
  dtok=$(login "$DIR/demo.json" "$KS_URL/v3")
  expect "demo: GET own volumes" 200 "$(volumes_code "$dtok" "$F_DEMO_PROJECT_ID")"
  expect "demo: GET scheduler pools (admin only)" 403 \
    "$(code_of -H "X-Auth-Token: $dtok" "$API_URL/v3/$F_DEMO_PROJECT_ID/scheduler-stats/get_pools")"
  expect "bogus token: GET volumes" 401 "$(volumes_code bogus "$F_ADMIN_PROJECT_ID")"
  password_body admin wrong-password admin >"$DIR/wrong.json"
  expect "wrong password: login" 401 \
    "$(code_of -H 'Content-Type: application/json' -d "@$DIR/wrong.json" "$KS_URL/v3/auth/tokens")"
  appcred_body "$F_APPCRED_ID" "$P_APPCRED_SECRET" >"$DIR/appcred.json"
  tok=$(login "$DIR/appcred.json" "$KS_URL/v3")
  expect "demo application credential: GET volumes" 200 "$(volumes_code "$tok" "$F_DEMO_PROJECT_ID")"
  appcred_body "$F_EXPIRED_APPCRED_ID" "$P_EXPIRED_APPCRED_SECRET" >"$DIR/expired.json"
  code=$(curl -s -m 30 -o "$DIR/expired.out" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "@$DIR/expired.json" "$KS_URL/v3/auth/tokens")
  expect "expired application credential: login" 401 "$code"

  log "curl: TLS front with an untrusted certificate"
  code=0; curl -sS -m 10 -o /dev/null "$KS_TLS_URL/v3" 2>"$DIR/tls.err" || code=$?
  expect "https without the CA (curl exit code, 60 = certificate not trusted)" 60 "$code"
  expect "https with KEYSTONE_TLS_CA: GET /v3" 200 "$(code_of --cacert "$ETC/tls/ca.pem" "$KS_TLS_URL/v3")"
  tok=$(login "$DIR/admin.json" "$KS_TLS_URL/v3" --cacert "$ETC/tls/ca.pem")
  expect "token from the TLS front: GET volumes" 200 "$(volumes_code "$tok" "$F_ADMIN_PROJECT_ID")"

  log "curl: revocation (DELETE /v3/auth/tokens) is seen by cinder-api within ${TOKEN_CACHE_TIME}s + validation"
  tok=$(login "$DIR/admin.json" "$KS_URL/v3")
  rtok=$(login "$DIR/admin.json" "$KS_URL/v3")
  expect "token to revoke: GET volumes" 200 "$(volumes_code "$rtok" "$F_ADMIN_PROJECT_ID")"
  expect "DELETE /v3/auth/tokens" 204 \
    "$(code_of -X DELETE -H "X-Auth-Token: $tok" -H "X-Subject-Token: $rtok" "$KS_URL/v3/auth/tokens")"
  local t_rev=$SECONDS
  until [ "$(volumes_code "$rtok" "$F_ADMIN_PROJECT_ID")" = 401 ]; do
    [ $((SECONDS - t_rev)) -lt $((TOKEN_CACHE_TIME + 10)) ] || die "a revoked token is still accepted after $((SECONDS - t_rev))s"
    sleep 0.5
  done
  echo "  revoked token: GET volumes -> 401 after $((SECONDS - t_rev))s"

  log "curl: a token of KEYSTONE_SHORT_TOKEN_URL (lifetime ${P_SHORT_TOKEN}s) works, then gets 401"
  stok=$(login "$DIR/admin.json" "$KS_SHORT_URL/v3")
  read -r issued expires < <("$PY" -c '
import datetime, json, sys
t = json.load(open(sys.argv[1]))["token"]
p = lambda s: datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()
print(int(p(t["issued_at"])), int(p(t["expires_at"])))' "$DIR/login.json")
  echo "  short token lifetime: $((expires - issued))s"
  [ $((expires - issued)) -le $((P_SHORT_TOKEN + 1)) ] || die "the short token lives $((expires - issued))s"
  expect "short token: GET volumes" 200 "$(volumes_code "$stok" "$F_ADMIN_PROJECT_ID")"
  # watched in the background while the REST part runs: the last 200 and the first 401
  (
    last_ok=$(date +%s)
    while [ "$(date +%s)" -lt $((expires + TOKEN_CACHE_TIME + 15)) ]; do
      c=$(volumes_code "$stok" "$F_ADMIN_PROJECT_ID")
      case $c in
        200) last_ok=$(date +%s) ;;
        401) echo "$last_ok $(date +%s)"; exit 0 ;;
      esac
      sleep 1
    done
    echo "$last_ok never"
  ) >"$DIR/short.watch" &
  local watcher=$!
  # shellcheck disable=SC2064 # the pid is known now
  trap "kill $watcher 2>/dev/null || true" EXIT

  log "REST: volume on RBD, full + incremental backup, refusal, restore, export/import-record"
  oc selftest

  wait "$watcher" || true
  local last_ok first_401
  read -r last_ok first_401 <"$DIR/short.watch"
  [ "$first_401" != never ] || die "the short token was still accepted $((last_ok - expires))s after its expires_at"
  echo "  short token: last 200 at expires_at$(printf '%+d' $((last_ok - expires)))s, first 401 at expires_at$(printf '%+d' $((first_401 - expires)))s"
  [ "$first_401" -ge "$expires" ] || die "the short token was refused before it expired"
  expect "main keystone token still fine: GET volumes" 200 \
    "$(volumes_code "$(login "$DIR/admin.json" "$KS_URL/v3")" "$F_ADMIN_PROJECT_ID")"

  log "cinder and openstack CLIs with the printed facts"
  (set -a; eval "$(print_env)"; set +a; cinder --os-volume-api-version 3.64 service-list)
  OS_CLIENT_CONFIG_FILE=$DATA_DIR/clouds.yaml openstack --os-cloud ember-demo volume list
  OS_CLIENT_CONFIG_FILE=$DATA_DIR/clouds.yaml openstack --os-cloud ember-demo-appcred token issue -f value -c project_id >/dev/null
  echo "  ember-demo-appcred: token issued"
  rm -rf "$DIR"
  log "selftest passed in $((SECONDS - t0))s"
}

main
