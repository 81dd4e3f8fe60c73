#!/usr/bin/python3
"""Ember <-> Cinder interop over a real Ceph, both directions, byte-compared.

Cinder -> Ember: Cinder 21.3.1's real CephBackupDriver (cinder_ceph.py: its RBD path,
`rbd export-diff | rbd import-diff` into `backups/volume-<vol>.backup.<id>`) makes a full
and an incremental backup of an RBD image in the cluster the CTest fixture `ceph`
started; `cinder backup-export` records (Cinder's own code) are imported with
`ember-cli backup-import SERVICE URL --backend <ceph backend>`; ember restores both into
files and the incremental into a new RBD image, each byte-identical to the source image
as it was at that backup (`rbd export` of the source).
Ember -> Cinder: ember backs up an RBD volume (full + incremental) to its Ceph backend;
`ember-cli backup-export` records are imported by Cinder's import code and Cinder's
driver restores them: differentially into a new RBD image (compared with `rbd export`)
and by full copy into a file.

Images are 1 GiB (Cinder sizes volumes in GiB) and thin: only a few MiB are written.
Needs EMBER_CLI and EMBER_SERVICES_DIR (set by CTest). The Ceph user is the fixture's
least-privilege `backup` client; its key stays in the keyring ceph.conf names.
"""

import contextlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cinder_ceph  # noqa: E402

GiB = 1024 ** 3
MiB = 1024 ** 2
IMAGE_SIZE = GiB
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def ceph_facts():
    facts = {}
    services = os.environ.get('EMBER_SERVICES_DIR')
    path = os.environ.get('EMBER_CEPH_ENV') or (os.path.join(services, 'ceph.env') if services else None)
    if path and os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                name, sep, value = line.strip().partition('=')
                if sep and not name.startswith('#'):
                    facts[name] = value.strip('"\'')
    for name in ('CEPH_CONF', 'CEPH_BACKUP_CLIENT_ID'):
        if os.environ.get(name):
            facts.setdefault(name, os.environ[name])
    return facts


def first_difference(a, b, piece=4 * MiB):
    """None if the files are equal, else where they first differ (read in pieces:
    the images are 1 GiB)."""
    if os.path.getsize(a) != os.path.getsize(b):
        return 'sizes differ: %d vs %d bytes' % (os.path.getsize(a), os.path.getsize(b))
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        offset = 0
        while True:
            da, db = fa.read(piece), fb.read(piece)
            if da != db:
                return 'first difference at byte %d' % (
                    offset + next(i for i in range(len(da)) if da[i] != db[i]))
            if not da:
                return None
            offset += len(da)


class EmberCinderCephInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.facts = ceph_facts()
        if not cls.facts.get('CEPH_CONF'):
            raise AssertionError('no CEPH_CONF: run through ctest (fixture `ceph`) or set '
                                 'EMBER_CEPH_ENV to the output of tests/services/ceph.sh start DIR')
        cls.conf = cls.facts['CEPH_CONF']
        cls.user = cls.facts.get('CEPH_BACKUP_CLIENT_ID') or 'backup'
        # the harness and the rbd CLI read these; a CEPH_KEYRING (the admin's) in the
        # environment would override the backup user's keyring from ceph.conf
        os.environ['CEPH_CONF'] = cls.conf
        os.environ['CEPH_BACKUP_CLIENT_ID'] = cls.user
        os.environ.pop('CEPH_KEYRING', None)
        import rados
        cls.cluster = rados.Rados(rados_id=cls.user, conffile=cls.conf)
        cls.cluster.conf_set('rados_osd_op_timeout', '60')
        cls.cluster.conf_set('rados_mon_op_timeout', '60')
        cls.cluster.connect(timeout=60)
        cls.ioctx = {pool: cls.cluster.open_ioctx(pool) for pool in ('volumes', 'backups')}

    @classmethod
    def tearDownClass(cls):
        for ioctx in cls.ioctx.values():
            ioctx.close()
        cls.cluster.shutdown()

    def setUp(self):
        self.cli = os.environ.get('EMBER_CLI')
        if not self.cli or not os.access(self.cli, os.X_OK):
            self.fail('EMBER_CLI (%s) is not an executable' % self.cli)
        base = os.environ.get('EMBER_TEST_TMP') or '/tmp/ember-interop-ceph'
        self.dir = os.path.join(base, self.id().rsplit('.', 1)[-1])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.volume_ids = []  # every image named after one of these is removed afterwards
        self.addCleanup(self.remove_images)

    # -- RBD helpers
    def new_image(self, pool='volumes'):
        import rbd
        volume_id = str(uuid.uuid4())
        self.volume_ids.append(volume_id)
        rbd.RBD().create(self.ioctx[pool], 'volume-' + volume_id, IMAGE_SIZE, old_format=False,
                         features=rbd.RBD_FEATURE_LAYERING | rbd.RBD_FEATURE_EXCLUSIVE_LOCK
                         | rbd.RBD_FEATURE_OBJECT_MAP | rbd.RBD_FEATURE_FAST_DIFF)
        return volume_id

    def write_extents(self, volume_id, seed, extents):
        import rbd
        rng = random.Random(seed)
        with rbd.Image(self.ioctx['volumes'], 'volume-' + volume_id) as image:
            for offset, length in extents:
                image.write(rng.randbytes(length), offset)

    def initial_content(self, volume_id, seed):
        # data at the start, across an object boundary (4 MiB), mid-image and the tail
        self.write_extents(volume_id, seed, [(0, 3 * MiB + 5), (4 * MiB - 1000, 70000),
                                             (300 * MiB + 12345, 2 * MiB),
                                             (IMAGE_SIZE - MiB - 333, MiB + 333)])

    def change_content(self, volume_id, seed):
        self.write_extents(volume_id, seed, [(100, 5000), (300 * MiB + 12345 + MiB, 40000),
                                             (700 * MiB, 3 * MiB), (IMAGE_SIZE - 4096, 4096)])

    def export(self, volume_id, name, pool='volumes'):
        path = os.path.join(self.dir, name)
        proc = subprocess.run(['rbd', '--id', self.user, '--conf', self.conf, 'export',
                               '--no-progress', '%s/volume-%s' % (pool, volume_id), path],
                              capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, 'rbd export failed: ' + proc.stderr)
        return path

    def images(self, pool):
        import rbd
        return rbd.RBD().list(self.ioctx[pool])

    def snaps(self, pool, name):
        import rbd
        with rbd.Image(self.ioctx[pool], name, read_only=True) as image:
            return [s['name'] for s in image.list_snaps()]

    def remove_images(self):
        import rbd
        for pool, ioctx in self.ioctx.items():
            for name in rbd.RBD().list(ioctx):
                if not any(v in name for v in self.volume_ids):
                    continue
                with rbd.Image(ioctx, name) as image:
                    for snap in list(image.list_snaps()):
                        if image.is_protected_snap(snap['name']):
                            image.unprotect_snap(snap['name'])
                        image.remove_snap(snap['name'])
                rbd.RBD().remove(ioctx, name)

    # -- tool helpers
    def ember_env(self, home):
        return dict(os.environ, EMBER_HOME=home, XDG_DATA_HOME=os.path.join(home, 'xdg'),
                    QT_QPA_PLATFORM='offscreen', EMBER_ALLOW_FILE_SECRETS='1',
                    DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/ember-no-bus', DISPLAY='')

    def ember_proc(self, home, *args):
        return subprocess.run([self.cli, '--format', 'json', *args], env=self.ember_env(home),
                              capture_output=True, text=True, timeout=900)

    def ember(self, home, *args):
        proc = self.ember_proc(home, *args)
        if proc.returncode != 0:
            self.fail('ember-cli %s failed (%d):\n%s\n%s' % (' '.join(args), proc.returncode,
                                                            proc.stdout, proc.stderr))
        return proc.stdout

    def ember_json(self, home, *args):
        out = self.ember(home, *args)
        try:
            return json.loads(out)
        except ValueError:
            self.fail('ember-cli %s printed no JSON: %r' % (' '.join(args), out[:500]))

    @staticmethod
    def backup_id(obj):
        if isinstance(obj, dict):
            for key in ('id', 'ID'):
                if isinstance(obj.get(key), str) and UUID.fullmatch(obj[key]):
                    return obj[key]
            for value in obj.values():
                found = EmberCinderCephInterop.backup_id(value)
                if found:
                    return found
        return None

    def add_ceph_backend(self, home, name='cephb'):
        self.ember(home, 'backend-add', name, 'ceph', '--default',
                   '--option', 'backup_ceph_conf=' + self.conf,
                   '--option', 'backup_ceph_user=' + self.user,
                   '--option', 'backup_ceph_pool=backups')
        return name

    def cinder(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cinder_ceph.main(list(argv))
        if status != 0:
            self.fail('cinder_ceph %s failed (%d): %s' % (' '.join(argv), status, err.getvalue()))
        return json.loads(out.getvalue())

    def assert_cinder_layout(self, row, volume_id, base_of_full):
        base = json.loads(row['service_metadata'])['base']
        self.assertEqual(base, 'volume-%s.backup.%s' % (volume_id, base_of_full))
        self.assertEqual(row['container'], 'backups')
        self.assertIn(base, self.images('backups'))
        self.assertEqual(len([s for s in self.snaps('backups', base)
                              if s.startswith('backup.%s.snap.' % row['id'])]), 1,
                         'one snapshot of backup %s on %s' % (row['id'], base))

    # -- tests
    def test_cinder_backups_restore_in_ember(self):
        volume_id = self.new_image()
        db = os.path.join(self.dir, 'cinder-db.json')
        self.initial_content(volume_id, 11)
        full = self.cinder('backup', '--volume-id', volume_id, '--db', db, '--name', 'cinder full')
        state_full = self.export(volume_id, 'state-full.img')
        self.change_content(volume_id, 12)
        inc = self.cinder('backup', '--volume-id', volume_id, '--db', db, '--incremental',
                          '--name', 'cinder incremental')
        state_inc = self.export(volume_id, 'state-inc.img')
        self.assertEqual(inc['parent_id'], full['id'])
        self.assert_cinder_layout(full, volume_id, full['id'])
        self.assert_cinder_layout(inc, volume_id, full['id'])  # incrementals reuse the base
        self.assertIsNotNone(first_difference(state_full, state_inc), 'the change did not land')

        home = os.path.join(self.dir, 'ember-home')
        backend = self.add_ceph_backend(home)
        for row in (full, inc):
            record = self.cinder('export-record', '--db', db, '--backup-id', row['id'])
            self.assertEqual(record['backup_service'], cinder_ceph.CEPH_DRIVER)
            imported = self.ember_json(home, 'backup-import', record['backup_service'],
                                       record['backup_url'], '--backend', backend)
            self.assertEqual(self.backup_id(imported), row['id'])

        for row, expected in ((inc, state_inc), (full, state_full)):
            target = os.path.join(self.dir, 'ember-restored-%s.img' % row['id'][:8])
            self.ember(home, 'backup-restore', '--path', target, row['id'])
            self.assertIsNone(first_difference(expected, target),
                              'ember restore of Cinder backup %s into a file' % row['id'])
            os.remove(target)

        # into a fresh RBD image registered with ember
        target_id = self.new_image()
        self.ember(home, 'volume-add-rbd', backend, 'volumes/volume-' + target_id,
                   '--name', 'rbd-target')
        self.ember(home, 'backup-restore', '--volume', 'rbd-target', inc['id'])
        restored = self.export(target_id, 'ember-restored-rbd.img')
        self.assertIsNone(first_difference(state_inc, restored),
                          'ember restore of Cinder backup %s into an RBD image' % inc['id'])

        # into a new RBD image that ember creates (the cluster is the backup's backend's)
        new_id = str(uuid.uuid4())
        self.volume_ids.append(new_id)
        made = self.ember_json(home, 'backup-restore', '--rbd-image',
                               'volumes/volume-' + new_id, full['id'])
        self.volume_ids.append(new_id)
        self.assertEqual(made['volume_path'], 'volumes/volume-' + new_id)
        restored = self.export(new_id, 'ember-restored-new-rbd.img')
        self.assertIsNone(first_difference(state_full, restored),
                          'ember restore of Cinder backup %s into a new RBD image' % full['id'])
        # an image that exists already is refused, and left as it was
        proc = self.ember_proc(home, 'backup-restore', '--rbd-image',
                               'volumes/volume-' + new_id, inc['id'])
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('is already the registered volume', proc.stderr)
        other_id = self.new_image()
        self.write_extents(other_id, 99, [(0, MiB)])
        before = self.export(other_id, 'other-before.img')
        proc = self.ember_proc(home, 'backup-restore', '--rbd-image',
                               'volumes/volume-' + other_id, inc['id'])
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('exists', proc.stderr)
        self.assertIsNone(first_difference(before, self.export(other_id, 'other-after.img')))
        self.assertIsNone(first_difference(state_full, self.export(new_id, 'again.img')))

    def test_ember_backups_restore_in_cinder(self):
        volume_id = self.new_image()
        self.initial_content(volume_id, 21)
        home = os.path.join(self.dir, 'ember-home')
        backend = self.add_ceph_backend(home)
        self.ember(home, 'volume-add-rbd', backend, 'volumes/volume-' + volume_id,
                   '--name', 'rbd-source')
        full_id = self.backup_id(self.ember_json(home, 'backup-create', '--name', 'ember full',
                                                 'rbd-source'))
        state_full = self.export(volume_id, 'state-full.img')
        self.change_content(volume_id, 22)
        inc_id = self.backup_id(self.ember_json(home, 'backup-create', '--incremental',
                                                '--name', 'ember incremental', 'rbd-source'))
        state_inc = self.export(volume_id, 'state-inc.img')
        self.assertTrue(full_id and inc_id, 'backup-create printed no backup id')
        self.assertIsNotNone(first_difference(state_full, state_inc), 'the change did not land')

        records = []
        for backup_id in (full_id, inc_id):
            path = os.path.join(self.dir, 'record-%s.json' % backup_id)
            with open(path, 'w') as f:
                f.write(self.ember(home, 'backup-export', backup_id))
            records += ['--record', path]
        rows = {}
        for n, backup_id in enumerate((full_id, inc_id)):
            row = self.cinder('import-record', '--record', records[1 + 2 * n])
            self.assertEqual(row['service'], cinder_ceph.CEPH_DRIVER)
            self.assertEqual(row['container'], 'backups')
            rows[backup_id] = row
        self.assertEqual(rows[inc_id]['parent_id'], full_id)
        ember_volume_id = rows[full_id]['volume_id']
        self.assert_cinder_layout(rows[full_id], ember_volume_id, full_id)
        self.assert_cinder_layout(rows[inc_id], ember_volume_id, full_id)

        # Cinder's differential restore into empty RBD images (export-diff of the
        # backup's snapshot on the base | import-diff), then its full copy into files
        for backup_id, expected in ((inc_id, state_inc), (full_id, state_full)):
            target_id = self.new_image()
            result = self.cinder('restore', '--target-volume-id', target_id,
                                 '--backup-id', backup_id, *records)
            self.assertEqual(result['restored'], backup_id)
            self.assertTrue(any(s.startswith('backup.%s.snap.' % backup_id)
                                for s in self.snaps('volumes', 'volume-' + target_id)),
                            "Cinder did not take its differential path (no backup snapshot on "
                            "the target)")
            restored = self.export(target_id, 'cinder-restored-rbd-%s.img' % backup_id[:8])
            self.assertIsNone(first_difference(expected, restored),
                              'Cinder restore of ember backup %s into an RBD image' % backup_id)
            os.remove(restored)

            target = os.path.join(self.dir, 'cinder-restored-%s.img' % backup_id[:8])
            self.cinder('restore', '--volume-file', target, '--backup-id', backup_id, *records)
            self.assertIsNone(first_difference(expected, target),
                              'Cinder restore of ember backup %s into a file' % backup_id)
            os.remove(target)


if __name__ == '__main__':
    unittest.main(verbosity=2)
