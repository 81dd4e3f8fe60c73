#!/usr/bin/env python3
"""cloudfill.py - fills a test cloud (tests/services/cinder.sh) with backup chains
through Cinder's import-record, for run-bench-cloud.sh.

Usage: cloudfill.py VOLUMES BACKUPS_PER_VOLUME [--parallel N]
       cloudfill.py --probe
Reads the cinder.env facts from the environment (OS_AUTH_URL, OS_USERNAME,
OS_PASSWORD, OS_PROJECT_NAME, OS_PROJECT_ID, OS_*_DOMAIN_NAME, CINDER_ENDPOINT).

As admin it lifts the admin project's volume and backup quotas (import-record
reserves backup quota like a create), creates VOLUMES 1 GiB volumes on the RBD
driver, then imports BACKUPS_PER_VOLUME records per volume: a full backup and
incrementals, each naming the previous one as parent_id, with increasing
created_at/data_timestamp and num_dependent_backups set as Cinder would. The
posix driver's import reads no stored object, so the records are all it needs.
Waits until every volume and backup is available; prints one JSON line with
the counts and the seconds each phase took.

--probe: the deployment's own floor under any client's first page, one JSON
line: a Keystone login, the first Cinder request with that new token (Cinder
has Keystone validate it) and a second one (validated token cached).
"""
import argparse
import base64
import concurrent.futures
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

POSIX_SERVICE = "cinder.backup.drivers.posix.PosixBackupDriver"


def log(text):
    print("[cloudfill %s] %s" % (time.strftime("%H:%M:%S"), text), file=sys.stderr, flush=True)


class Cloud:
    def __init__(self):
        self.endpoint = os.environ["CINDER_ENDPOINT"].rstrip("/")
        self.project_id = os.environ["OS_PROJECT_ID"]
        self.token = self._login()

    def _login(self):
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": os.environ["OS_USERNAME"], "password": os.environ["OS_PASSWORD"],
                "domain": {"name": os.environ.get("OS_USER_DOMAIN_NAME", "Default")}}}},
            "scope": {"project": {
                "name": os.environ["OS_PROJECT_NAME"],
                "domain": {"name": os.environ.get("OS_PROJECT_DOMAIN_NAME", "Default")}}}}}
        request = urllib.request.Request(
            os.environ["OS_AUTH_URL"].rstrip("/") + "/auth/tokens",
            data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.headers["X-Subject-Token"]

    def call(self, method, path, body=None, attempts=5):
        """One API request; retries answers a busy sqlite or uwsgi gives (5xx, resets)."""
        data = json.dumps(body).encode() if body is not None else None
        for attempt in range(attempts):
            request = urllib.request.Request(
                self.endpoint + path, data=data, method=method,
                headers={"X-Auth-Token": self.token, "Content-Type": "application/json",
                         "Accept": "application/json",
                         "OpenStack-API-Version": "volume 3.45"})
            try:
                with urllib.request.urlopen(request, timeout=120) as answer:
                    text = answer.read()
                    return json.loads(text) if text else {}
            except urllib.error.HTTPError as error:
                detail = error.read().decode(errors="replace")
                if error.code < 500 or attempt == attempts - 1:
                    raise RuntimeError("%s %s: HTTP %d %s" % (method, path, error.code, detail))
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if attempt == attempts - 1:
                    raise RuntimeError("%s %s: %s" % (method, path, error))
            time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    def list_all(self, kind):
        """Every volume or backup of every project (paged, admin)."""
        items, marker = [], None
        while True:
            path = "/%s/detail?all_tenants=1&limit=1000" % kind
            if marker:
                path += "&marker=" + marker
            page = self.call("GET", path)[kind]
            items += page
            if len(page) < 1000:
                return items
            marker = page[-1]["id"]


def wait_available(cloud, kind, ids, timeout):
    """Polls until every id in `ids` is available; fails on error or timeout."""
    deadline = time.time() + timeout
    while True:
        states = {item["id"]: item["status"] for item in cloud.list_all(kind) if item["id"] in ids}
        bad = [i for i, s in states.items() if s.startswith("error")]
        if bad:
            raise RuntimeError("%d %s ended in error, e.g. %s" % (len(bad), kind, bad[0]))
        ready = sum(1 for s in states.values() if s == "available")
        if ready == len(ids):
            return
        if time.time() > deadline:
            raise RuntimeError("%d of %d %s available after %d s" % (ready, len(ids), kind, timeout))
        time.sleep(1)


def record(volume_id, backup_id, parent_id, index, dependents, created):
    """An export record as Cinder 21 writes it (cinder-backup.md section 1.7)."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {
        "driver_info": {},
        "id": backup_id, "user_id": None, "project_id": None, "volume_id": volume_id,
        "host": None, "availability_zone": None,
        "container": "%s/%s/%s" % (backup_id[0:2], backup_id[2:4], backup_id),
        "parent_id": parent_id, "status": "available", "fail_reason": None, "size": 1,
        "display_name": "bench-%s-%02d" % (volume_id[:8], index),
        "display_description": "import-record load for run-bench-cloud.sh",
        "service_metadata": "volume_%s_%s_backup_%s" % (volume_id, created.strftime("%Y%m%d%H%M%S"),
                                                       backup_id),
        "service": POSIX_SERVICE, "object_count": 1 if parent_id else 32,
        "temp_volume_id": None, "temp_snapshot_id": None,
        "num_dependent_backups": dependents, "snapshot_id": None,
        "data_timestamp": stamp, "restore_volume_id": None, "metadata": {},
        "encryption_key_id": None, "created_at": stamp, "updated_at": stamp,
        "deleted_at": None, "deleted": False,
    }
    return base64.b64encode(json.dumps(fields).encode()).decode()


def probe():
    started = time.time()
    cloud = Cloud()
    logged_in = time.time()
    cloud.call("GET", "/volumes/detail?all_tenants=1&limit=1")
    first = time.time()
    cloud.call("GET", "/volumes/detail?all_tenants=1&limit=1")
    second = time.time()
    print(json.dumps({"login_ms": round((logged_in - started) * 1000),
                      "first_request_ms": round((first - logged_in) * 1000),
                      "next_request_ms": round((second - first) * 1000)}))


def main():
    if sys.argv[1:] == ["--probe"]:
        return probe()
    parser = argparse.ArgumentParser()
    parser.add_argument("volumes", type=int)
    parser.add_argument("per_volume", type=int)
    parser.add_argument("--parallel", type=int, default=8)
    args = parser.parse_args()
    cloud = Cloud()
    started = time.time()
    cloud.call("PUT", "/os-quota-sets/%s" % cloud.project_id, {"quota_set": {
        "volumes": -1, "gigabytes": -1, "backups": -1, "backup_gigabytes": -1}})

    pool = concurrent.futures.ThreadPoolExecutor(args.parallel)
    names = ["bench-vol-%04d" % i for i in range(args.volumes)]
    # A fill that stopped half-way left volumes: available ones are used again.
    existing = {v["name"]: v["id"] for v in cloud.list_all("volumes")
                if v["name"] in names and v["status"] == "available"}
    log("creating %d volumes" % (len(names) - len(existing)))
    volumes = list(pool.map(lambda name: existing.get(name) or cloud.call("POST", "/volumes", {
        "volume": {"size": 1, "name": name}})["volume"]["id"], names))
    wait_available(cloud, "volumes", set(volumes), 900)
    volumes_done = time.time()

    log("importing %d backup records" % (args.volumes * args.per_volume))
    base = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    jobs = []
    for v, volume_id in enumerate(volumes):
        parent = None
        for i in range(args.per_volume):
            backup_id = str(uuid.uuid4())
            created = base + datetime.timedelta(days=i, minutes=v)
            dependents = 1 if i + 1 < args.per_volume else 0
            jobs.append(record(volume_id, backup_id, parent, i, dependents, created))
            parent = backup_id
    body = lambda url: {"backup-record": {"backup_service": POSIX_SERVICE, "backup_url": url}}
    imported = list(pool.map(
        lambda url: cloud.call("POST", "/backups/import_record", body(url))["backup"]["id"], jobs))
    wait_available(cloud, "backups", set(imported), 1200)
    done = time.time()
    print(json.dumps({"volumes": len(volumes), "backups": len(imported),
                      "volume_seconds": round(volumes_done - started, 1),
                      "import_seconds": round(done - volumes_done, 1),
                      "fill_seconds": round(done - started, 1)}))


if __name__ == "__main__":
    main()
