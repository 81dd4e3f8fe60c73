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
One volume on both sides: an image volume-<uuid> is registered with Ember as volume <uuid>
(other names get fresh ids); Ember full -> Cinder incremental -> Ember incremental on that
one image, each parent the volume's latest backup in both catalogs, every state restored
by both tools into files and RBD images, then deleted newest first.

Images are 1 GiB (Cinder sizes volumes in GiB) and thin: only a few MiB are written.
Needs EMBER_CLI and EMBER_SERVICES_DIR (set by CTest). The Ceph user is the fixture's
least-privilege `backup` client; its key stays in the keyring ceph.conf names.
"""

import json
import os
import random
import subprocess
import unittest
import uuid

import cinder_ceph
from interop_common import (UUID, EmberTestCase, MiB, backup_id, first_difference,
                             service_facts, services_file)

GiB = 1024 ** 3
IMAGE_SIZE = GiB


class EmberCinderCephInterop(EmberTestCase):
    harness = cinder_ceph.CephHarness()
    tmp_default = '/tmp/ember-interop-ceph'

    @classmethod
    def setUpClass(cls):
        cls.facts = service_facts(os.environ.get('EMBER_CEPH_ENV') or services_file('ceph.env'),
                                  'CEPH_')
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
        super().setUp()
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
    def add_ceph_backend(self, home, name='cephb'):
        self.ember(home, 'backend-add', name, 'ceph', '--default',
                   '--option', 'backup_ceph_conf=' + self.conf,
                   '--option', 'backup_ceph_user=' + self.user,
                   '--option', 'backup_ceph_pool=backups')
        return name

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
        self.import_in_ember(home, db, (full, inc), backend)
        self.assert_ember_restores(home, self.dir, {inc['id']: state_inc, full['id']: state_full},
                                   'ember restore into a file of Cinder backup', remove=True)

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

        def export_and_change():
            self.export(volume_id, 'state-full.img')
            self.change_content(volume_id, 22)
        full_id, inc_id = self.ember_backups(home, export_and_change, 'rbd-source')
        state_full = os.path.join(self.dir, 'state-full.img')
        state_inc = self.export(volume_id, 'state-inc.img')
        self.assertIsNotNone(first_difference(state_full, state_inc), 'the change did not land')

        records = self.ember_records(home, self.dir, (full_id, inc_id))
        rows = self.import_in_cinder(records, (full_id, inc_id), 'backups')
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

            self.assert_cinder_restores(self.dir, {backup_id: expected},
                                        'Cinder restore into a file of ember backup', *records,
                                        remove=True)

    def test_rbd_volume_takes_cinder_id(self):
        """volume-add-rbd: an image named volume-<uuid> is Cinder's volume <uuid> and is
        registered under that id; any other name gets a fresh id; an id another volume
        holds already, or an image registered already, is refused."""
        home = os.path.join(self.dir, 'ember-home')
        backend = self.add_ceph_backend(home)
        cinder_named = self.new_image()
        row = self.ember_json(home, 'volume-add-rbd', backend, 'volumes/volume-' + cinder_named)
        self.assertEqual(row['id'], cinder_named)
        self.assertEqual(row['name'], 'volume-' + cinder_named)

        import rbd
        other = 'plain-' + str(uuid.uuid4())
        self.volume_ids.append(other)
        rbd.RBD().create(self.ioctx['volumes'], other, MiB, old_format=False)
        row = self.ember_json(home, 'volume-add-rbd', backend, 'volumes/' + other,
                              '--name', 'plain')
        self.assertTrue(UUID.fullmatch(row['id']), row)
        self.assertNotIn(row['id'], other)
        # not canonical (upper case) is not Cinder's name for a volume: a fresh id
        upper = 'volume-' + str(uuid.uuid4()).upper()
        self.volume_ids.append(upper)
        rbd.RBD().create(self.ioctx['volumes'], upper, MiB, old_format=False)
        row = self.ember_json(home, 'volume-add-rbd', backend, 'volumes/' + upper)
        self.assertNotEqual(row['id'], upper[len('volume-'):].lower())

        proc = self.ember_proc(home, 'volume-add-rbd', backend, 'volumes/volume-' + cinder_named)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('already registered', proc.stderr)

        # an image named after a volume Ember has under that id already (a file here)
        volume_file = os.path.join(self.dir, 'file-volume.img')
        with open(volume_file, 'wb') as f:
            f.truncate(MiB)
        file_id = self.ember_json(home, 'volume-add', volume_file, '--name', 'file-volume')['id']
        self.volume_ids.append(file_id)
        rbd.RBD().create(self.ioctx['volumes'], 'volume-' + file_id, MiB, old_format=False)
        proc = self.ember_proc(home, 'volume-add-rbd', backend, 'volumes/volume-' + file_id)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("is Cinder's volume %s, but volume file-volume" % file_id, proc.stderr)
        self.assertEqual(len(self.ember_json(home, 'volume-list')), 4)

    def test_one_volume_ember_cinder_ember_chain(self):
        """One RBD image volume-<uuid>: Ember full -> Cinder incremental -> Ember
        incremental, all on the base image volume-<uuid>.backup.<full id>. Ember registers
        the image as volume <uuid>, so Cinder's incremental finds Ember's full as the
        volume's latest backup and Ember's next incremental finds Cinder's; each parent is
        the volume's latest backup in both catalogs, every state restores byte-identical
        with both tools (files and RBD images), and deletes keep to the chain."""
        volume_id = self.new_image()
        db = os.path.join(self.dir, 'cinder-db.json')
        home = os.path.join(self.dir, 'ember-home')
        backend = self.add_ceph_backend(home)
        registered = self.ember_json(home, 'volume-add-rbd', backend,
                                     'volumes/volume-' + volume_id, '--name', 'shared')
        self.assertEqual(registered['id'], volume_id)
        states = {}  # backup id -> `rbd export` of the image when it was taken

        def ember_show(backup):
            return self.ember_json(home, 'backup-show', backup)

        # 1. Ember's full backup, imported into Cinder
        self.initial_content(volume_id, 41)
        full_id = backup_id(self.ember_json(home, 'backup-create', '--name', 'ember full',
                                            'shared'))
        states[full_id] = self.export(volume_id, 'state-1.img')
        full = ember_show(full_id)
        self.assertEqual(full['volume_id'], volume_id)
        self.assertIsNone(full.get('parent_id'))
        self.assert_cinder_layout(full, volume_id, full_id)
        row = self.cinder('import-record', '--db', db,
                          *self.ember_records(home, self.dir, [full_id]))
        self.assertEqual(row['volume_id'], volume_id)

        # 2. Cinder's incremental of the same volume: its parent is Ember's full
        self.change_content(volume_id, 42)
        # no pause: Cinder's row may hold the second of Ember's full (whole seconds), and
        # is still the newer one, being its incremental
        cinder_inc = self.cinder('backup', '--volume-id', volume_id, '--db', db, '--incremental',
                                 '--name', 'cinder incremental')
        self.assertEqual(cinder_inc['parent_id'], full_id)
        self.assert_cinder_layout(cinder_inc, volume_id, full_id)
        states[cinder_inc['id']] = self.export(volume_id, 'state-2.img')

        # 3. Ember imports Cinder's record: the backup is volume <uuid>'s own
        self.import_in_ember(home, db, [cinder_inc], backend)
        imported = ember_show(cinder_inc['id'])
        self.assertEqual(imported['volume_id'], volume_id)
        self.assertEqual(imported['parent_id'], full_id)
        listed = self.ember_json(home, 'backup-list', '--volume-id', 'shared')
        self.assertEqual(sorted(b['id'] for b in listed), sorted([full_id, cinder_inc['id']]))

        # 4. Ember's incremental chains onto Cinder's, the volume's latest backup
        self.change_content(volume_id, 43)
        self.write_extents(volume_id, 44, [(500 * MiB + 7, 1234567)])
        last_id = backup_id(self.ember_json(home, 'backup-create', '--incremental',
                                            '--name', 'ember incremental', 'shared'))
        states[last_id] = self.export(volume_id, 'state-3.img')
        last = ember_show(last_id)
        self.assertEqual(last['parent_id'], cinder_inc['id'],
                         "Ember's incremental skipped Cinder's, the volume's latest backup")
        self.assert_cinder_layout(last, volume_id, full_id)
        row = self.cinder('import-record', '--db', db,
                          *self.ember_records(home, self.dir, [last_id]))
        self.assertEqual(row['parent_id'], cinder_inc['id'])
        self.assertEqual(row['volume_id'], volume_id)
        for a, b in ((states[full_id], states[cinder_inc['id']]),
                     (states[cinder_inc['id']], states[last_id])):
            self.assertIsNotNone(first_difference(a, b), 'a change did not land')

        # both catalogs agree on every link, and on the dependents
        with open(db, encoding='utf-8') as f:
            cinder_rows = {r['id']: r for r in json.load(f)['backups']}
        for backup in states:
            self.assertEqual(ember_show(backup).get('parent_id'),
                             cinder_rows[backup].get('parent_id'), backup)
            self.assertEqual(cinder_rows[backup]['volume_id'], volume_id)
        self.assertTrue(ember_show(cinder_inc['id'])['has_dependent_backups'])

        # 5. every state restored by both tools, byte-compared
        self.assert_ember_restores(home, self.dir, states, 'ember restore into a file of',
                                   remove=True)
        self.assert_cinder_restores(self.dir, states, 'Cinder restore into a file of',
                                    '--db', db, remove=True)
        for n, (backup, expected) in enumerate(states.items()):
            # Ember into a new RBD image, Cinder differentially into an empty one
            ember_target = str(uuid.uuid4())
            self.volume_ids.append(ember_target)
            self.ember(home, 'backup-restore', '--rbd-image', 'volumes/volume-' + ember_target,
                       backup)
            restored = self.export(ember_target, 'ember-rbd-%d.img' % n)
            self.assertIsNone(first_difference(expected, restored),
                              'ember restore into an RBD image of %s' % backup)
            os.remove(restored)
            cinder_target = self.new_image()
            self.cinder('restore', '--target-volume-id', cinder_target, '--backup-id', backup,
                        '--db', db)
            self.assertTrue(any(s.startswith('backup.%s.snap.' % backup)
                                for s in self.snaps('volumes', 'volume-' + cinder_target)),
                            'Cinder did not restore %s differentially' % backup)
            restored = self.export(cinder_target, 'cinder-rbd-%d.img' % n)
            self.assertIsNone(first_difference(expected, restored),
                              'Cinder restore into an RBD image of %s' % backup)
            os.remove(restored)

        # 6. Ceph deletes in any order (every backup is a snapshot of one base
        # image): the full goes first, under its dependents, and the newest
        # still restores byte-identical; the base image goes with the last backup.
        self.ember(home, 'backup-delete', full_id)
        base = 'volume-%s.backup.%s' % (volume_id, full_id)
        self.assertEqual([s for s in self.snaps('backups', base)
                          if s.startswith('backup.%s.snap.' % full_id)], [])
        target = str(uuid.uuid4())
        self.volume_ids.append(target)
        self.ember(home, 'backup-restore', '--rbd-image', 'volumes/volume-' + target, last_id)
        restored = self.export(target, 'ember-after-delete.img')
        self.assertIsNone(first_difference(states[last_id], restored),
                          'ember restore of %s after its chain\'s full was deleted' % last_id)
        os.remove(restored)
        self.ember(home, 'backup-delete', last_id, cinder_inc['id'])
        self.assertNotIn(base, self.images('backups'), 'the base image outlived its chain')
        self.assertEqual(self.ember_json(home, 'backup-list', '--volume-id', 'shared'), [])

if __name__ == '__main__':
    unittest.main(verbosity=2)
