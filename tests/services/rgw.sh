#!/usr/bin/env bash
# rgw.sh - Ceph's S3 service (radosgw, Debian 12: Pacific 16.2.x) on 127.0.0.1 for Ember's
# tests and CI, on an ALREADY RUNNING cluster of ceph.sh (never starts or stops Ceph itself):
# one radosgw (beast) with a plain HTTP endpoint and a TLS endpoint whose certificate is
# signed by a CA of its own (untrusted unless RGW_S3_TLS_CA is given to the client), and an
# S3 user "ember" with random keys. Object Lock works (radosgw enables versioning on a
# bucket created with it). Derived from the proven shared recipe ceph-micro.sh (its rgw
# option); never installs packages (scripts/install-deps.sh does, in one apt-get call).
#
# Usage: rgw.sh start|stop|status|env|selftest DATA_DIR
#   start     configure and start radosgw in DATA_DIR (or restart it), create the user,
#             print the connection facts as KEY=VALUE lines on stdout (progress on stderr),
#             so `set -a; eval "$(rgw.sh start DIR)"; set +a` works. Idempotent.
#   stop      stop exactly the radosgw started from DATA_DIR (pid file); its pools stay
#             in the cluster, the Ceph cluster is left alone.
#   status    the radosgw process and the user's buckets.
#   env       print the connection facts again.
#   selftest  boto3 (Signature V4): bucket, put/get/compare, multipart, listing pages,
#             an Object Lock bucket (a retained version refuses deletion, the GOVERNANCE
#             bypass deletes it), the TLS endpoint with and without its CA; cleanup.
#   DATA_DIR  config, keyrings, TLS files, logs, pid file. Keep it short: the admin
#             socket lives in DATA_DIR/run (Unix socket paths are limited to 107 bytes).
#
# Knobs (environment):
#   EMBER_RGW_CEPH_DIR=DIR    the running ceph.sh cluster (required at creation,
#                             remembered in DATA_DIR/params)
#   EMBER_RGW_TIMEOUT=120     seconds to wait for radosgw
set -euo pipefail

SERVICE=rgw WHAT="radosgw"
TIMEOUT=${EMBER_RGW_TIMEOUT:-120}
STOP_WAIT=20 POLL=0.5   # lib.sh: seconds from SIGTERM to SIGKILL; wait_for's poll interval
PY=/usr/bin/python3
RGW_UID=ember
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=tests/services/lib.sh
. "$HERE/lib.sh"

open_data_dir "$@"
ETC=$DATA_DIR/etc
CONF=$ETC/ceph.conf
PID_MATCH=$CONF   # radosgw runs with our ceph.conf
# never inherit another cluster's settings
unset CEPH_ARGS CEPH_KEYRING CEPH_CONF

# ---------------------------------------------------------------- helpers
ensure_packages() {
  local need=()
  command -v radosgw >/dev/null || need+=(radosgw)
  { command -v radosgw-admin >/dev/null && command -v ceph >/dev/null; } || need+=(ceph-common)
  [ -x "$PY" ] || need+=(python3)
  "$PY" -c 'import boto3' >/dev/null 2>&1 || need+=(python3-boto3)
  command -v curl >/dev/null || need+=(curl)
  command -v openssl >/dev/null || need+=(openssl)
  need_packages "${need[@]}"
}

procs() { echo client.rgw.x; }

rand_hex() { "$PY" -c 'import secrets, sys; print(secrets.token_hex(int(sys.argv[1])))' "$1"; }

# shellcheck disable=SC2153 # P_* come from the params file
load_params() {
  # shellcheck disable=SC1091
  . "$DATA_DIR/params"
  if [ -n "${EMBER_RGW_CEPH_DIR:-}" ] && [ "$P_CEPH_DIR" != "$(cd "$EMBER_RGW_CEPH_DIR" 2>/dev/null && pwd -P)" ]; then
    log "warning: this radosgw uses the Ceph cluster in $P_CEPH_DIR (EMBER_RGW_CEPH_DIR ignored)"
  fi
  CEPH_DIR=$P_CEPH_DIR
  ENDPOINT=http://127.0.0.1:$P_PORT
  TLS_ENDPOINT=https://127.0.0.1:$P_TLS_PORT
}

check_ceph() {
  [ -f "$CEPH_DIR/env" ] && [ -f "$CEPH_DIR/ceph.conf" ] \
    || die "no running ceph.sh cluster in $CEPH_DIR (start the ceph fixture first)"
  bash "$HERE/ceph.sh" status "$CEPH_DIR" >/dev/null 2>&1 \
    || die "the Ceph cluster in $CEPH_DIR is not running (bash tests/services/ceph.sh start $CEPH_DIR)"
}

C() { timeout 60 ceph -c "$CONF" --connect-timeout 20 "$@"; }
ADMIN() { timeout 60 radosgw-admin -c "$CONF" "$@"; }

# The cluster's ceph.conf (ceph.sh rewrites it at each start) plus radosgw's section.
write_conf() {
  mkdir -p "$ETC" "$RUN" "$LOGS" "$DATA_DIR/rgw"
  {
    cat "$CEPH_DIR/ceph.conf"
    cat <<EOF

# appended by tests/services/rgw.sh
[client.rgw.x]
public addr = 127.0.0.1
keyring = $DATA_DIR/rgw/keyring
log file = $LOGS/\$name.log
admin socket = $RUN/\$name.asok
pid file = $RUN/\$name.pid
rgw data = $DATA_DIR/rgw
rgw frontends = beast endpoint=127.0.0.1:$P_PORT ssl_endpoint=127.0.0.1:$P_TLS_PORT ssl_certificate=$ETC/tls/server.pem ssl_private_key=$ETC/tls/server.key
# path-style addressing on 127.0.0.1; bucket.localhost would be virtual-hosted style
rgw dns name = localhost
rgw enable usage log = false
rgw thread pool size = 64
EOF
  } >"$CONF"
}

make_tls_cert() { # a CA of its own and a server certificate for 127.0.0.1 signed by it
  local d=$ETC/tls
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout "$d/ca.key" -out "$d/ca.pem" -subj "/CN=Ember test radosgw CA (untrusted)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/server.key" -out "$d/server.csr" -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 3650 -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  rm -f "$d/server.csr" "$d/ca.key" "$d/ca.srl"
}

rgw_up() { curl -fsS -m 5 -o /dev/null "$ENDPOINT/"; }
rgw_tls_up() { curl -fsS -m 5 --cacert "$ETC/tls/ca.pem" -o /dev/null "$TLS_ENDPOINT/"; }

start_rgw() {
  local n=client.rgw.x
  if proc_pid "$n" >/dev/null; then return 0; fi
  rm -f "$RUN/$n.pid"
  radosgw -c "$CONF" -n "$n" >>"$LOGS/launch.log" 2>&1 \
    || die "radosgw failed to start, see $LOGS/$n.log and $LOGS/launch.log"
  wait_pid "$n" 30 || die "radosgw did not write its pid file, see $LOGS/$n.log"
  log "$n running, pid $(proc_pid "$n")"
}

# The S3 user with this data dir's keys; also when the cluster already knows it.
ensure_user() {
  if ADMIN user info --uid "$RGW_UID" >/dev/null 2>&1; then
    ADMIN key create --uid "$RGW_UID" --key-type s3 --access-key "$P_ACCESS" \
      --secret-key "$P_SECRET" >/dev/null
  else
    ADMIN user create --uid "$RGW_UID" --display-name "Ember tests" \
      --access-key "$P_ACCESS" --secret-key "$P_SECRET" >/dev/null
  fi
}

# radosgw's zonegroup: Signature V4 scopes and CreateBucket's LocationConstraint name it
zonegroup() {
  ADMIN zonegroup get 2>/dev/null | "$PY" -c 'import json, sys; print(json.load(sys.stdin).get("api_name") or "default")' \
    || echo default
}

create() {
  log "configuring radosgw in $DATA_DIR (Ceph cluster: $EMBER_RGW_CEPH_DIR)"
  rm -rf "${DATA_DIR:?}/etc" "$RUN" "$LOGS" "$DATA_DIR/rgw" "$DATA_DIR/params" "$DATA_DIR/env"
  touch "$MARK"
  local ceph_dir ports
  ceph_dir=$(cd "$EMBER_RGW_CEPH_DIR" && pwd -P) || die "no directory $EMBER_RGW_CEPH_DIR"
  read -r -a ports < <(free_ports 2)
  # S3 access keys are 20 upper-case characters, secret keys 40 characters
  printf 'P_CEPH_DIR=%s\nP_PORT=%s\nP_TLS_PORT=%s\nP_ACCESS=%s\nP_SECRET=%s\n' "$ceph_dir" \
    "${ports[0]}" "${ports[1]}" "EMBER$(rand_hex 8 | cut -c1-15 | tr a-f A-F)" "$(rand_hex 20)" >"$DATA_DIR/params"
  load_params
  check_ceph
  write_conf
  make_tls_cert
  C auth get-or-create client.rgw.x mon 'allow rw' osd 'allow rwx' mgr 'allow rw' \
    -o "$DATA_DIR/rgw/keyring" >/dev/null || die "ceph auth get-or-create client.rgw.x failed"
  touch "$READY"
}

print_env() {
  echo "RGW_S3_ENDPOINT=$ENDPOINT"
  echo "RGW_S3_ACCESS_KEY=$P_ACCESS"
  echo "RGW_S3_SECRET_KEY=$P_SECRET"
  echo "RGW_S3_REGION=${P_REGION:-default}"
  echo "RGW_S3_TLS_ENDPOINT=$TLS_ENDPOINT"
  echo "RGW_S3_TLS_CA=$ETC/tls/ca.pem"
  echo "RGW_S3_USER=$RGW_UID"
  # radosgw-admin -c RGW_CEPH_CONF (as client.admin) reaches the same zone
  echo "RGW_CEPH_CONF=$CONF"
}

cmd_start() {
  local t0=$SECONDS
  ensure_packages
  if [ -e "$READY" ] && [ -f "$DATA_DIR/params" ]; then
    log "existing radosgw in $DATA_DIR, (re)starting it if needed"
    load_params
    check_ceph
    write_conf
  else
    refuse_foreign_dir
    [ -n "${EMBER_RGW_CEPH_DIR:-}" ] \
      || die "set EMBER_RGW_CEPH_DIR to the data dir of a running ceph.sh cluster"
    cmd_stop
    create
  fi
  start_rgw
  wait_for "radosgw on $ENDPOINT" rgw_up
  wait_for "radosgw on $TLS_ENDPOINT" rgw_tls_up
  ensure_user
  if ! grep -q '^P_REGION=' "$DATA_DIR/params"; then
    echo "P_REGION=$(zonegroup)" >>"$DATA_DIR/params"
    load_params
  fi
  ready "$t0"
}

cmd_stop() { stop_one client.rgw.x; }

cmd_status() {
  [ -f "$DATA_DIR/params" ] || { echo "no $WHAT in $DATA_DIR"; return 3; }
  load_params
  local rc=0
  proc_table || rc=1
  ADMIN bucket list --uid "$RGW_UID" 2>/dev/null || rc=1
  return $rc
}

# ---------------------------------------------------------------- selftest
selftest() {
  load_params
  local t0=$SECONDS
  log "boto3 against $ENDPOINT (region ${P_REGION:-default}) and $TLS_ENDPOINT"
  RGW_S3_ENDPOINT=$ENDPOINT RGW_S3_ACCESS_KEY=$P_ACCESS RGW_S3_SECRET_KEY=$P_SECRET \
    RGW_S3_REGION=${P_REGION:-default} RGW_S3_TLS_ENDPOINT=$TLS_ENDPOINT RGW_S3_TLS_CA=$ETC/tls/ca.pem \
    "$PY" - <<'EOF'
import datetime, os, secrets, sys
import boto3, botocore
from botocore.config import Config

env = os.environ
def client(endpoint=env["RGW_S3_ENDPOINT"], region=env["RGW_S3_REGION"], verify=None, **kw):
    return boto3.client("s3", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id=kw.get("access", env["RGW_S3_ACCESS_KEY"]),
                        aws_secret_access_key=kw.get("secret", env["RGW_S3_SECRET_KEY"]),
                        verify=verify, config=Config(signature_version="s3v4",
                        s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
def code(err): return err.response["Error"]["Code"]
def say(*a): print("  " + " ".join(str(x) for x in a))

s3 = client()
bucket = "selftest-" + secrets.token_hex(4)
s3.create_bucket(Bucket=bucket)
data = secrets.token_bytes(1_000_003)
s3.put_object(Bucket=bucket, Key="a/object", Body=data)
assert s3.get_object(Bucket=bucket, Key="a/object")["Body"].read() == data
say("bucket", bucket, ": put/get of", len(data), "bytes matches")

# Signature V4 with us-east-1 in the scope too (what most clients default to)
east = client(region="us-east-1")
assert east.get_object(Bucket=bucket, Key="a/object")["Body"].read() == data
say("Signature V4 scoped to us-east-1 accepted too")

# multipart: 2 parts of 5 MiB + a tail
big = secrets.token_bytes(11 * 1024 * 1024 + 7)
mp = s3.create_multipart_upload(Bucket=bucket, Key="big")
parts, step = [], 5 * 1024 * 1024
for i, off in enumerate(range(0, len(big), step), 1):
    r = s3.upload_part(Bucket=bucket, Key="big", UploadId=mp["UploadId"], PartNumber=i, Body=big[off:off + step])
    parts.append({"PartNumber": i, "ETag": r["ETag"]})
s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=mp["UploadId"], MultipartUpload={"Parts": parts})
assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == big
say("multipart upload of", len(parts), "parts matches")

# listing pages
for i in range(25):
    s3.put_object(Bucket=bucket, Key="page/%03d" % i, Body=b"x")
keys, pages, token = [], 0, None
while True:
    kw = {"ContinuationToken": token} if token else {}
    r = s3.list_objects_v2(Bucket=bucket, Prefix="page/", MaxKeys=7, **kw)
    pages += 1
    keys += [o["Key"] for o in r.get("Contents", [])]
    if not r.get("IsTruncated"): break
    token = r["NextContinuationToken"]
assert keys == ["page/%03d" % i for i in range(25)] and pages == 4, (pages, len(keys))
say("listing: 25 keys in", pages, "pages of 7")

# wrong keys and a missing bucket are refused with their own codes
try:
    client(secret="0" * 40).list_objects_v2(Bucket=bucket); sys.exit("a wrong secret key was accepted")
except botocore.exceptions.ClientError as e:
    assert code(e) == "SignatureDoesNotMatch", code(e)
try:
    client(access="EMBERNOSUCHKEY000000").list_objects_v2(Bucket=bucket); sys.exit("an unknown access key was accepted")
except botocore.exceptions.ClientError as e:
    assert code(e) == "InvalidAccessKeyId", code(e)
try:
    s3.head_bucket(Bucket=bucket + "-missing"); sys.exit("a missing bucket was found")
except botocore.exceptions.ClientError as e:
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
say("wrong secret: SignatureDoesNotMatch, unknown key: InvalidAccessKeyId, missing bucket: 404")

for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
    s3.delete_object(Bucket=bucket, Key=o["Key"])
s3.delete_bucket(Bucket=bucket)

# Object Lock: versioning comes with it; a retained version refuses deletion
locked = bucket + "-lock"
s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
assert s3.get_bucket_versioning(Bucket=locked).get("Status") == "Enabled"
until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
r = s3.put_object(Bucket=locked, Key="kept", Body=b"immutable", ObjectLockMode="GOVERNANCE",
                  ObjectLockRetainUntilDate=until)
version = r["VersionId"]
ret = s3.get_object_retention(Bucket=locked, Key="kept", VersionId=version)["Retention"]
assert ret["Mode"] == "GOVERNANCE", ret
try:
    s3.delete_object(Bucket=locked, Key="kept", VersionId=version); sys.exit("a retained version was deleted")
except botocore.exceptions.ClientError as e:
    assert code(e) == "AccessDenied", code(e)
s3.delete_object(Bucket=locked, Key="kept", VersionId=version, BypassGovernanceRetention=True)
for v in s3.list_object_versions(Bucket=locked).get("Versions", []) + \
         s3.list_object_versions(Bucket=locked).get("DeleteMarkers", []):
    s3.delete_object(Bucket=locked, Key=v["Key"], VersionId=v["VersionId"], BypassGovernanceRetention=True)
s3.delete_bucket(Bucket=locked)
say("object lock: GOVERNANCE retention until", until.date(), "refused deletion (AccessDenied); the bypass deleted it")

# TLS: trusted with the fixture's CA, refused without it
tls = client(endpoint=env["RGW_S3_TLS_ENDPOINT"], verify=env["RGW_S3_TLS_CA"])
tls.list_buckets()
try:
    client(endpoint=env["RGW_S3_TLS_ENDPOINT"]).list_buckets(); sys.exit("the untrusted certificate was accepted")
except botocore.exceptions.SSLError:
    pass
say("TLS: accepted with RGW_S3_TLS_CA, refused without it")
EOF
  log "selftest passed in $((SECONDS - t0))s"
}

main
