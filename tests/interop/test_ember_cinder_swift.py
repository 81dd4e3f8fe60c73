#!/usr/bin/python3
"""Ember <-> Cinder interop over a real Swift, both directions, byte-compared.

Cinder -> Ember: Cinder's real SwiftBackupDriver (single_user, v1 auth) makes a full
and an incremental backup in a container of the Swift started by the CTest fixture
`swift`; `cinder backup-export` records (Cinder's own code) are imported with
`ember-cli backup-import SERVICE URL --backend <swift backend>`; ember restores both
byte-identical and deletes them, leaving nothing under their prefixes.
Ember -> Cinder: ember backs up (full + incremental) to its Swift backend;
`ember-cli backup-export` records are imported by Cinder's import code and Cinder's
driver restores the chain byte-identical, then deletes the objects.
Mixed chain: ember full <- Cinder incremental <- ember incremental in one container,
every state restored by both.

Ember's Swift backend is configured with tests/interop/add_swift_backend.cpp (catalog
row + key in the secret store's file fallback: no keyring here, EMBER_ALLOW_FILE_SECRETS=1);
the key never appears on a command line. Needs EMBER_CLI, EMBER_ADD_SWIFT_BACKEND and
EMBER_SERVICES_DIR (set by CTest).
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
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cinder_swift  # noqa: E402

OBJECT_SIZE = 1024 * 1024
VOLUME_SIZE = 4 * OBJECT_SIZE + 3 * 32768 + 777  # not a multiple of block or object size
COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd')
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def swift_facts():
    facts = {}
    services = os.environ.get('EMBER_SERVICES_DIR')
    path = os.path.join(services, 'swift.env') if services else None
    if path and os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            for line in f:
                name, sep, value = line.strip().partition('=')
                if sep and not name.startswith('#'):
                    facts[name] = value.strip('"\'')
    for name, value in os.environ.items():
        if name.startswith('SWIFT_'):
            facts.setdefault(name, value)
    return facts


def write_volume(path, seed):
    rng = random.Random(seed)
    with open(path, 'wb') as f:
        f.write(bytes(OBJECT_SIZE + 4096))
        f.write(b'Block volumes deserve honest backups.\n' * 30000)
        f.write(rng.randbytes(VOLUME_SIZE - f.tell()))


def mutate(path, seed):
    rng = random.Random(seed)
    with open(path, 'r+b') as f:
        for offset in (7, 2 * OBJECT_SIZE - 1000, VOLUME_SIZE - 300):
            f.seek(offset)
            f.write(rng.randbytes(min(40000, VOLUME_SIZE - offset)))


def first_difference(a, b):
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        da, db = fa.read(), fb.read()
    if da == db:
        return None
    if len(da) != len(db):
        return 'sizes differ: %d vs %d bytes' % (len(da), len(db))
    return 'first difference at byte %d' % next(i for i in range(len(da)) if da[i] != db[i])


class EmberCinderSwiftInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.facts = swift_facts()
        for name in ('SWIFT_AUTH_URL', 'SWIFT_USER', 'SWIFT_KEY'):
            if not cls.facts.get(name):
                raise AssertionError('no %s: run through ctest (fixture `swift`) or export the '
                                     'output of tests/services/swift.sh start DIR' % name)
        # the harness reads the connection from the environment, the key included
        os.environ['SWIFT_AUTH_URL'] = cls.facts['SWIFT_AUTH_URL']
        os.environ['SWIFT_USER'] = cls.facts['SWIFT_USER']
        os.environ['SWIFT_KEY'] = cls.facts['SWIFT_KEY']
        from swiftclient import client as swiftclient
        cls.swift = swiftclient.Connection(authurl=cls.facts['SWIFT_AUTH_URL'],
                                           user=cls.facts['SWIFT_USER'],
                                           key=cls.facts['SWIFT_KEY'], auth_version='1')

    def setUp(self):
        self.cli = os.environ.get('EMBER_CLI')
        self.add_backend = os.environ.get('EMBER_ADD_SWIFT_BACKEND')
        for name, path in (('EMBER_CLI', self.cli), ('EMBER_ADD_SWIFT_BACKEND', self.add_backend)):
            if not path or not os.access(path, os.X_OK):
                self.fail('%s (%s) is not an executable' % (name, path))
        base = os.environ.get('EMBER_TEST_TMP') or '/tmp/ember-interop-swift'
        self.dir = os.path.join(base, self.id().rsplit('.', 1)[-1])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    # -- helpers
    def ember_env(self, home):
        # no keyring reachable: the secret store's explicit file fallback
        return dict(os.environ, EMBER_HOME=home, XDG_DATA_HOME=os.path.join(home, 'xdg'),
                    QT_QPA_PLATFORM='offscreen', EMBER_ALLOW_FILE_SECRETS='1',
                    DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/ember-no-bus', DISPLAY='')

    def ember(self, home, *args):
        proc = subprocess.run([self.cli, '--format', 'json', *args], env=self.ember_env(home),
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            self.fail('ember-cli %s failed (%d):\n%s\n%s' % (' '.join(args), proc.returncode,
                                                            proc.stdout, proc.stderr))
        self.assertNotIn(self.facts['SWIFT_KEY'], proc.stdout + proc.stderr, 'the key was printed')
        return proc.stdout

    def ember_json(self, home, *args):
        out = self.ember(home, *args)
        try:
            return json.loads(out)
        except ValueError:
            self.fail('ember-cli %s printed no JSON: %r' % (' '.join(args), out[:500]))

    def add_swift_backend(self, home, name, container, compression, default=False):
        argv = [self.add_backend, name,
                'backup_swift_auth_url=' + self.facts['SWIFT_AUTH_URL'],
                'backup_swift_user=' + self.facts['SWIFT_USER'],
                'backup_swift_auth_version=1',
                'backup_swift_container=' + container,
                'backup_swift_object_size=%d' % OBJECT_SIZE,
                'backup_swift_block_size=32768',
                'backup_compression_algorithm=' + compression]
        if default:
            argv.append('--default')
        proc = subprocess.run(argv, env=self.ember_env(home), input=self.facts['SWIFT_KEY'] + '\n',
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, 'adding the Swift backend failed:\n' + proc.stderr)
        with open(os.path.join(home, 'secrets.json'), encoding='utf-8') as f:
            self.assertEqual(json.load(f)['backends'][name]['backup_swift_key'], self.facts['SWIFT_KEY'])

    @staticmethod
    def backup_id(obj):
        if isinstance(obj, dict):
            for key in ('id', 'ID'):
                if isinstance(obj.get(key), str) and UUID.fullmatch(obj[key]):
                    return obj[key]
            for value in obj.values():
                if isinstance(value, dict):
                    found = EmberCinderSwiftInterop.backup_id(value)
                    if found:
                        return found
        return None

    def cinder(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cinder_swift.main(list(argv))
        if status != 0:
            self.fail('cinder_swift %s failed (%d): %s' % (' '.join(argv), status, err.getvalue()))
        return json.loads(out.getvalue())

    def objects(self, container, prefix):
        _, listing = self.swift.get_container(container, prefix=prefix, full_listing=True)
        return [entry['name'] for entry in listing]

    def assert_layout(self, container, row, volume_id):
        prefix = row['service_metadata']
        self.assertRegex(prefix, r'^volume_%s/\d{14}/az_nova_backup_%s$' % (volume_id, row['id']))
        names = self.objects(container, prefix)
        self.assertIn(prefix + '_metadata', names)
        self.assertIn(prefix + '_sha256file', names)
        self.assertEqual(len(names) - 2, row['object_count'], names)

    # -- tests
    def test_cinder_backups_restore_in_ember(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = os.path.join(self.dir, 'c2e-' + compression)
                os.makedirs(work)
                container = 'interop-c2e-%s-%s' % (compression, uuid.uuid4().hex[:8])
                db = os.path.join(work, 'cinder-db.json')
                volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
                write_volume(volume, 11)
                shutil.copyfile(volume, full_copy)
                volume_id = '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f%04d' % COMPRESSIONS.index(compression)
                common = ['--volume-file', volume, '--volume-id', volume_id, '--db', db,
                          '--swift-container', container, '--object-size', str(OBJECT_SIZE),
                          '--compression', compression]
                full = self.cinder('backup', *common, '--name', 'cinder full')
                mutate(volume, 12)
                inc = self.cinder('backup', *common, '--incremental', '--name', 'cinder incremental')
                self.assertEqual(inc['parent_id'], full['id'])
                self.assertEqual(full['container'], container)
                self.assertEqual(full['object_count'], 5)
                self.assertTrue(0 < inc['object_count'] < 5, inc)
                self.assert_layout(container, full, volume_id)
                self.assert_layout(container, inc, volume_id)

                home = os.path.join(work, 'ember-home')
                self.add_swift_backend(home, 'cinder-swift', container, compression)
                for row in (full, inc):
                    record = self.cinder('export-record', '--db', db, '--backup-id', row['id'])
                    self.assertEqual(record['backup_service'], cinder_swift.SWIFT_DRIVER)
                    imported = self.ember_json(home, 'backup-import', record['backup_service'],
                                               record['backup_url'], '--backend', 'cinder-swift')
                    self.assertEqual(self.backup_id(imported), row['id'])

                for row, expected in ((inc, volume), (full, full_copy)):
                    target = os.path.join(work, 'ember-restored-%s.img' % row['id'][:8])
                    self.ember(home, 'backup-restore', '--path', target, row['id'])
                    self.assertIsNone(first_difference(expected, target),
                                      'ember restore of Cinder backup %s (%s)' % (row['id'], compression))

                # ember deletes Cinder's objects, newest first, and leaves nothing behind
                for row in (inc, full):
                    self.ember(home, 'backup-delete', row['id'])
                    self.assertEqual(self.objects(container, row['service_metadata']), [])

    def test_ember_backups_restore_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = os.path.join(self.dir, 'e2c-' + compression)
                os.makedirs(work)
                container = 'interop-e2c-%s-%s' % (compression, uuid.uuid4().hex[:8])
                volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
                write_volume(volume, 21)
                shutil.copyfile(volume, full_copy)
                home = os.path.join(work, 'ember-home')
                self.add_swift_backend(home, 'interop-swift', container, compression, default=True)
                self.ember(home, 'volume-add', volume, '--name', 'interop-volume')
                full_id = self.backup_id(self.ember_json(home, 'backup-create', '--name', 'ember full',
                                                         'interop-volume'))
                mutate(volume, 22)
                inc_id = self.backup_id(self.ember_json(home, 'backup-create', '--incremental',
                                                        '--name', 'ember incremental', 'interop-volume'))
                self.assertTrue(full_id and inc_id, 'backup-create printed no backup id')

                records = []
                for backup_id in (full_id, inc_id):
                    path = os.path.join(work, 'record-%s.json' % backup_id)
                    with open(path, 'w') as f:
                        f.write(self.ember(home, 'backup-export', backup_id))
                    records += ['--record', path]

                rows = {}
                for backup_id in (full_id, inc_id):
                    row = self.cinder('import-record', '--record', records[1 + 2 * len(rows)])
                    self.assertEqual(row['service'], cinder_swift.SWIFT_DRIVER)
                    self.assertEqual(row['container'], container)
                    rows[backup_id] = row
                self.assertEqual(rows[inc_id]['parent_id'], full_id)
                self.assert_layout(container, rows[full_id], rows[full_id]['volume_id'])
                self.assert_layout(container, rows[inc_id], rows[inc_id]['volume_id'])

                for backup_id, expected in ((inc_id, volume), (full_id, full_copy)):
                    target = os.path.join(work, 'cinder-restored-%s.img' % backup_id[:8])
                    result = self.cinder('restore', '--volume-file', target, '--backup-id', backup_id,
                                         *records)
                    self.assertEqual(result['restored'], backup_id)
                    self.assertIsNone(first_difference(expected, target),
                                      'Cinder restore of ember backup %s (%s)' % (backup_id, compression))

                # Cinder's driver deletes what ember wrote, object for object
                for backup_id in (inc_id, full_id):
                    deleted = self.cinder('delete', '--backup-id', backup_id, *records)
                    self.assertEqual(deleted['objects_before'], rows[backup_id]['object_count'] + 2)
                    self.assertEqual(self.objects(container, rows[backup_id]['service_metadata']), [])

    def test_mixed_chain(self):
        """ember full <- Cinder incremental <- ember incremental in one container: each
        tool reads the other's sha256file from Swift, and both restore every state."""
        work = os.path.join(self.dir, 'mixed')
        os.makedirs(work)
        container = 'interop-mixed-%s' % uuid.uuid4().hex[:8]
        db = os.path.join(work, 'cinder-db.json')
        volume = os.path.join(work, 'volume.img')
        write_volume(volume, 31)
        home = os.path.join(work, 'ember-home')
        self.add_swift_backend(home, 'shared', container, 'zlib', default=True)
        volume_row = self.ember_json(home, 'volume-add', volume, '--name', 'mixed-volume')
        volume_id = volume_row.get('id')
        self.assertTrue(volume_id and UUID.fullmatch(volume_id), 'volume-add printed no id: %r' % volume_row)

        states = {}
        full_id = self.backup_id(self.ember_json(home, 'backup-create', 'mixed-volume'))
        states[full_id] = os.path.join(work, 'state-1.img')
        shutil.copyfile(volume, states[full_id])
        record = os.path.join(work, 'ember-full.json')
        with open(record, 'w') as f:
            f.write(self.ember(home, 'backup-export', full_id))
        self.cinder('import-record', '--record', record, '--db', db)

        mutate(volume, 32)
        # Cinder's rows hold whole seconds: keep its incremental after the ember full
        time.sleep(1.1)
        cinder_inc = self.cinder('backup', '--volume-file', volume, '--volume-id', volume_id,
                                 '--db', db, '--swift-container', container,
                                 '--object-size', str(OBJECT_SIZE), '--compression', 'zlib',
                                 '--incremental')
        self.assertEqual(cinder_inc['parent_id'], full_id)
        self.assertEqual(cinder_inc['container'], container)
        self.assertTrue(0 < cinder_inc['object_count'] < 5, 'Cinder did not use the ember sha256file')
        states[cinder_inc['id']] = os.path.join(work, 'state-2.img')
        shutil.copyfile(volume, states[cinder_inc['id']])

        exported = self.cinder('export-record', '--db', db, '--backup-id', cinder_inc['id'])
        self.ember_json(home, 'backup-import', exported['backup_service'], exported['backup_url'],
                        '--backend', 'shared')
        mutate(volume, 33)
        last_id = self.backup_id(self.ember_json(home, 'backup-create', '--incremental', 'mixed-volume'))
        states[last_id] = volume
        shown = self.ember_json(home, 'backup-show', last_id)
        self.assertEqual(shown.get('parent_id'), cinder_inc['id'], 'ember chose another parent: %r' % shown)

        record = os.path.join(work, 'ember-last.json')
        with open(record, 'w') as f:
            f.write(self.ember(home, 'backup-export', last_id))
        self.cinder('import-record', '--record', record, '--db', db)
        for backup_id, expected in states.items():
            target = os.path.join(work, 'cinder-%s.img' % backup_id[:8])
            self.cinder('restore', '--volume-file', target, '--db', db, '--backup-id', backup_id,
                        '--swift-container', container)
            self.assertIsNone(first_difference(expected, target), 'Cinder restore of %s' % backup_id)
            target = os.path.join(work, 'ember-%s.img' % backup_id[:8])
            self.ember(home, 'backup-restore', '--path', target, backup_id)
            self.assertIsNone(first_difference(expected, target), 'ember restore of %s' % backup_id)


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
