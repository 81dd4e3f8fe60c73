#!/usr/bin/python3
"""Ember <-> Cinder interop, both directions, byte-compared, for every compression.

Cinder -> Ember: Cinder's real PosixBackupDriver makes a full and an incremental
backup; `cinder backup-export` records (Cinder's own export code) are imported with
`ember-cli backup-import SERVICE URL`; ember restores both backups byte-identical.
Ember -> Cinder: ember makes a full and an incremental backup on a local backend;
`ember-cli backup-export` records are imported by Cinder's own import code, and Cinder's
driver restores the chain byte-identical.

Volume sizes are not multiples of the SHA block or the object size; changes cross an
object boundary. Needs EMBER_CLI (set by CTest) and Debian's python3-cinder.
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cinder_posix  # noqa: E402

OBJECT_SIZE = 1024 * 1024
VOLUME_SIZE = 4 * OBJECT_SIZE + 3 * 32768 + 777
# gzip and bzip2 are Cinder's aliases: it writes them as the objects' tags ('gzip' is a zlib stream)
COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd', 'gzip', 'bzip2')
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def cinder(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cinder_posix.main(list(argv))
    if status != 0:
        raise AssertionError('cinder_posix %s failed (%d): %s' % (' '.join(argv), status, err.getvalue()))
    return json.loads(out.getvalue())


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


class EmberCinderInterop(unittest.TestCase):
    def setUp(self):
        self.cli = os.environ.get('EMBER_CLI')
        if not self.cli or not os.access(self.cli, os.X_OK):
            self.fail('EMBER_CLI (%s) is not an executable ember-cli' % self.cli)
        base = os.environ.get('EMBER_TEST_TMP') or '/tmp/ember-interop'
        self.dir = os.path.join(base, self.id().rsplit('.', 1)[-1])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def ember(self, home, *args):
        env = dict(os.environ, EMBER_HOME=home, XDG_DATA_HOME=os.path.join(home, 'xdg'),
                   QT_QPA_PLATFORM='offscreen')
        proc = subprocess.run([self.cli, '--format', 'json', *args], env=env, capture_output=True,
                              text=True, timeout=600)
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
        """The id in ember-cli's JSON for a backup (top level or under "backup")."""
        if isinstance(obj, dict):
            for key in ('id', 'ID'):
                if isinstance(obj.get(key), str) and UUID.fullmatch(obj[key]):
                    return obj[key]
            for value in obj.values():
                if isinstance(value, dict):
                    found = EmberCinderInterop.backup_id(value)
                    if found:
                        return found
        return None

    def test_cinder_backups_restore_in_ember(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.path('c2e-' + compression)
                os.makedirs(work)
                store, db = os.path.join(work, 'store'), os.path.join(work, 'cinder-db.json')
                volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
                write_volume(volume, 11)
                shutil.copyfile(volume, full_copy)
                volume_id = '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f%04d' % COMPRESSIONS.index(compression)
                common = ['--volume-file', volume, '--volume-id', volume_id, '--posix-path', store,
                          '--db', db, '--object-size', str(OBJECT_SIZE), '--compression', compression]
                full = cinder('backup', *common, '--name', 'cinder full')
                mutate(volume, 12)
                inc = cinder('backup', *common, '--incremental', '--name', 'cinder incremental')
                self.assertEqual(inc['parent_id'], full['id'])
                self.assertGreater(inc['object_count'], 0)

                home = os.path.join(work, 'ember-home')
                self.ember(home, 'backend-add-local', 'cinder-posix', store)
                for row in (full, inc):
                    record = cinder('export-record', '--db', db, '--backup-id', row['id'])
                    imported = self.ember_json(home, 'backup-import', record['backup_service'],
                                               record['backup_url'], '--backend', 'cinder-posix')
                    self.assertEqual(self.backup_id(imported), row['id'])

                for row, expected in ((inc, volume), (full, full_copy)):
                    target = os.path.join(work, 'ember-restored-%s.img' % row['id'][:8])
                    self.ember(home, 'backup-restore', '--path', target, row['id'])
                    self.assertIsNone(first_difference(expected, target),
                                      'ember restore of Cinder backup %s (%s)' % (row['id'], compression))

    def test_ember_backups_restore_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.path('e2c-' + compression)
                os.makedirs(work)
                store = os.path.join(work, 'store')
                volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
                write_volume(volume, 21)
                shutil.copyfile(volume, full_copy)
                home = os.path.join(work, 'ember-home')
                self.ember(home, 'backend-add-local', 'interop-local', store, '--compression', compression,
                           '--object-size', str(OBJECT_SIZE), '--default')
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

                for backup_id, expected in ((inc_id, volume), (full_id, full_copy)):
                    target = os.path.join(work, 'cinder-restored-%s.img' % backup_id[:8])
                    result = cinder('restore', '--volume-file', target, '--posix-path', store,
                                    '--backup-id', backup_id, *records)
                    self.assertEqual(result['restored'], backup_id)
                    self.assertIsNone(first_difference(expected, target),
                                      'Cinder restore of ember backup %s (%s)' % (backup_id, compression))

    def test_mixed_chain(self):
        """ember full <- Cinder incremental <- ember incremental on one volume: each tool
        reads the other's sha256file to find what changed, and both restore the chain."""
        work = self.path('mixed')
        os.makedirs(work)
        store, db = os.path.join(work, 'store'), os.path.join(work, 'cinder-db.json')
        volume = os.path.join(work, 'volume.img')
        write_volume(volume, 31)
        home = os.path.join(work, 'ember-home')
        self.ember(home, 'backend-add-local', 'shared', store, '--compression', 'zlib',
                   '--object-size', str(OBJECT_SIZE), '--default')
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
        cinder('import-record', '--record', record, '--db', db)
        mutate(volume, 32)
        # Cinder's rows hold whole seconds: in the same second as the ember full backup the
        # Cinder incremental would sort before it and ember would (rightly) pick the full
        time.sleep(1.1)
        cinder_inc = cinder('backup', '--volume-file', volume, '--volume-id', volume_id,
                            '--posix-path', store, '--db', db, '--object-size', str(OBJECT_SIZE),
                            '--compression', 'zlib', '--incremental')
        self.assertEqual(cinder_inc['parent_id'], full_id)
        self.assertGreater(cinder_inc['object_count'], 0)
        self.assertLess(cinder_inc['object_count'], 5, 'Cinder did not use the ember sha256file')
        states[cinder_inc['id']] = os.path.join(work, 'state-2.img')
        shutil.copyfile(volume, states[cinder_inc['id']])

        exported = cinder('export-record', '--db', db, '--backup-id', cinder_inc['id'])
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
        cinder('import-record', '--record', record, '--db', db)
        for backup_id, expected in states.items():
            target = os.path.join(work, 'cinder-%s.img' % backup_id[:8])
            cinder('restore', '--volume-file', target, '--posix-path', store, '--db', db,
                   '--backup-id', backup_id)
            self.assertIsNone(first_difference(expected, target), 'Cinder restore of %s' % backup_id)
            target = os.path.join(work, 'ember-%s.img' % backup_id[:8])
            self.ember(home, 'backup-restore', '--path', target, backup_id)
            self.assertIsNone(first_difference(expected, target), 'ember restore of %s' % backup_id)


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
