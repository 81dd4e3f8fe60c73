"""What the Cinder interop tests share: test volumes, byte comparison, the runs of
ember-cli and of a Cinder harness (cinder_posix.py, cinder_swift.py, cinder_ceph.py)
in a fresh directory per test, and the steps each direction repeats."""

import contextlib
import io
import json
import os
import random
import re
import shutil
import subprocess
import time
import unittest

MiB = 1024 ** 2
OBJECT_SIZE = MiB  # a multiple of the 32 KiB SHA block, like Cinder requires
VOLUME_SIZE = 4 * OBJECT_SIZE + 3 * 32768 + 777  # not a multiple of block or object size
UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def write_volume(path, seed):
    """VOLUME_SIZE bytes: zeros, compressible text, then incompressible data."""
    rng = random.Random(seed)
    with open(path, 'wb') as f:
        f.write(bytes(OBJECT_SIZE + 4096))
        f.write(b'Block volumes deserve honest backups.\n' * 30000)
        f.write(rng.randbytes(VOLUME_SIZE - f.tell()))


def mutate(path, seed):
    """Changes at the start, across an object boundary and at the tail."""
    rng = random.Random(seed)
    with open(path, 'r+b') as f:
        for offset in (7, 2 * OBJECT_SIZE - 1000, VOLUME_SIZE - 300):
            f.seek(offset)
            f.write(rng.randbytes(min(40000, VOLUME_SIZE - offset)))


def first_difference(a, b, piece=4 * MiB):
    """None if the files are equal, else where they first differ (read in pieces:
    RBD images are 1 GiB)."""
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


def backup_id(obj):
    """The id in ember-cli's JSON for a backup (top level or under "backup")."""
    if isinstance(obj, dict):
        for key in ('id', 'ID'):
            if isinstance(obj.get(key), str) and UUID.fullmatch(obj[key]):
                return obj[key]
        for value in obj.values():
            found = backup_id(value)
            if found:
                return found
    return None


def service_facts(env_file, prefix):
    """NAME=VALUE lines of a service's env file (tests/services/*.sh start), then the
    environment's variables starting with `prefix` where the file lacks them."""
    facts = {}
    if env_file and os.path.exists(env_file):
        with open(env_file, encoding='utf-8') as f:
            for line in f:
                name, sep, value = line.strip().partition('=')
                if sep and not name.startswith('#'):
                    facts[name] = value.strip('"\'')
    for name, value in os.environ.items():
        if name.startswith(prefix) and value:
            facts.setdefault(name, value)
    return facts


def services_file(name):
    services = os.environ.get('EMBER_SERVICES_DIR')
    return os.path.join(services, name) if services else None


class HarnessTestCase(unittest.TestCase):
    """A fresh directory per test ($EMBER_TEST_TMP/<test>) and the harness's runs."""

    harness = None  # a cinder_harness.Harness
    tmp_default = '/tmp/ember-interop'

    def setUp(self):
        base = os.environ.get('EMBER_TEST_TMP') or self.tmp_default
        self.dir = os.path.join(base, self.id().rsplit('.', 1)[-1])
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)

    def path(self, *names):
        return os.path.join(self.dir, *names)

    def workdir(self, name):
        path = self.path(name)
        os.makedirs(path)
        return path

    def cinder(self, *argv):
        """The harness's JSON output; fails the test (with its stderr) if it fails."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = self.harness.main(list(argv))
        if status != 0:
            self.fail('%s %s failed (%d): %s' % (self.harness.prog, ' '.join(argv), status,
                                                 err.getvalue()))
        return json.loads(out.getvalue())


class EmberTestCase(HarnessTestCase):
    """Adds ember-cli ($EMBER_CLI), each run with its own EMBER_HOME and no keyring
    reachable (the secret store's explicit file fallback)."""

    forbidden_output = ()  # what ember-cli must never print (keys)

    def setUp(self):
        self.cli = os.environ.get('EMBER_CLI')
        if not self.cli or not os.access(self.cli, os.X_OK):
            self.fail('EMBER_CLI (%s) is not an executable ember-cli' % self.cli)
        super().setUp()

    def ember_env(self, home):
        return dict(os.environ, EMBER_HOME=home, XDG_DATA_HOME=os.path.join(home, 'xdg'),
                    QT_QPA_PLATFORM='offscreen', EMBER_ALLOW_FILE_SECRETS='1',
                    DBUS_SESSION_BUS_ADDRESS='unix:path=/nonexistent/ember-no-bus', DISPLAY='')

    def ember_proc(self, home, *args, input=None):
        proc = subprocess.run([self.cli, '--format', 'json', *args], env=self.ember_env(home),
                              input=input, capture_output=True, text=True, timeout=900)
        for secret in self.forbidden_output:
            self.assertNotIn(secret, proc.stdout + proc.stderr, 'the key was printed')
        return proc

    def ember(self, home, *args, input=None):
        proc = self.ember_proc(home, *args, input=input)
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

    # -- steps both directions repeat
    def ember_backups(self, home, change, name='interop-volume'):
        """ember's full backup of the registered volume `name`, change(), then its
        incremental: the two ids."""
        full_id = backup_id(self.ember_json(home, 'backup-create', '--name', 'ember full', name))
        change()
        inc_id = backup_id(self.ember_json(home, 'backup-create', '--incremental',
                                           '--name', 'ember incremental', name))
        self.assertTrue(full_id and inc_id, 'backup-create printed no backup id')
        return full_id, inc_id

    def ember_records(self, home, work, backup_ids):
        """`ember-cli backup-export` of each backup in a file: the --record arguments
        for the harness."""
        records = []
        for backup in backup_ids:
            path = os.path.join(work, 'record-%s.json' % backup)
            with open(path, 'w') as f:
                f.write(self.ember(home, 'backup-export', backup))
            records += ['--record', path]
        return records

    def import_in_ember(self, home, db, rows, backend):
        """Cinder's `backup-export` of each row, imported with `ember-cli backup-import`."""
        for row in rows:
            record = self.cinder('export-record', '--db', db, '--backup-id', row['id'])
            self.assertEqual(record['backup_service'], self.harness.driver)
            imported = self.ember_json(home, 'backup-import', record['backup_service'],
                                       record['backup_url'], '--backend', backend)
            self.assertEqual(backup_id(imported), row['id'])

    def import_in_cinder(self, records, backup_ids, container):
        """Cinder's import of each record (--record arguments, in backup_ids' order, a
        chain): the rows by id, checked for driver, container and parent."""
        rows = {}
        for n, backup in enumerate(backup_ids):
            row = self.cinder('import-record', '--record', records[1 + 2 * n])
            self.assertEqual(row['id'], backup)
            self.assertEqual(row['service'], self.harness.driver)
            self.assertEqual(row['container'], container)
            self.assertEqual(row.get('parent_id'), backup_ids[n - 1] if n else None)
            rows[backup] = row
        return rows

    def assert_ember_restores(self, home, work, expected, what, remove=False):
        """ember restores each backup id into a file equal to expected[id]."""
        for backup, source in expected.items():
            target = os.path.join(work, 'ember-restored-%s.img' % backup[:8])
            self.ember(home, 'backup-restore', '--path', target, backup)
            self.assertIsNone(first_difference(source, target), '%s %s' % (what, backup))
            if remove:
                os.remove(target)

    def assert_cinder_restores(self, work, expected, what, *where, remove=False):
        """The harness restores each backup id (rows from `where`: --db or --record
        arguments and the driver's connection) into a file equal to expected[id]."""
        for backup, source in expected.items():
            target = os.path.join(work, 'cinder-restored-%s.img' % backup[:8])
            result = self.cinder('restore', '--volume-file', target, '--backup-id', backup, *where)
            self.assertEqual(result['restored'], backup)
            self.assertIsNone(first_difference(source, target), '%s %s' % (what, backup))
            if remove:
                os.remove(target)


class ChunkedInterop:
    """For the chunked drivers' tests (EmberTestCase subclasses): Cinder's backups of a
    volume file, and the mixed chain test. Subclasses give add_shared_backend(home, work)
    -> (ember's backend name, Cinder's arguments for the same place)."""

    def cinder_backups(self, work, volume_id, compression, *where):
        """Cinder's full backup of a new volume file, a change, its incremental:
        (db, volume, copy of the volume at the full, full row, incremental row)."""
        db = os.path.join(work, 'cinder-db.json')
        volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
        write_volume(volume, 11)
        shutil.copyfile(volume, full_copy)
        common = ['--volume-file', volume, '--volume-id', volume_id, '--db', db,
                  '--object-size', str(OBJECT_SIZE), '--compression', compression, *where]
        full = self.cinder('backup', *common, '--name', 'cinder full')
        mutate(volume, 12)
        inc = self.cinder('backup', *common, '--incremental', '--name', 'cinder incremental')
        self.assertEqual(inc['parent_id'], full['id'])
        self.assertGreater(inc['object_count'], 0)
        return db, volume, full_copy, full, inc

    def ember_file_backups(self, work, home):
        """ember's full backup of a new volume file (on the default backend of `home`),
        a change, its incremental, both exported: (volume, copy of the volume at the
        full, full id, incremental id, the --record arguments for the harness)."""
        volume, full_copy = os.path.join(work, 'volume.img'), os.path.join(work, 'full.img')
        write_volume(volume, 21)
        shutil.copyfile(volume, full_copy)
        self.ember(home, 'volume-add', volume, '--name', 'interop-volume')
        full_id, inc_id = self.ember_backups(home, lambda: mutate(volume, 22))
        records = self.ember_records(home, work, (full_id, inc_id))
        return volume, full_copy, full_id, inc_id, records

    def test_mixed_chain(self):
        """ember full <- Cinder incremental <- ember incremental on one volume: each tool
        reads the other's sha256file to find what changed, and both restore every state."""
        work = self.workdir('mixed')
        db = os.path.join(work, 'cinder-db.json')
        volume = os.path.join(work, 'volume.img')
        write_volume(volume, 31)
        home = os.path.join(work, 'ember-home')
        backend, where = self.add_shared_backend(home, work)
        volume_row = self.ember_json(home, 'volume-add', volume, '--name', 'mixed-volume')
        volume_id = volume_row.get('id')
        self.assertTrue(volume_id and UUID.fullmatch(volume_id),
                        'volume-add printed no id: %r' % volume_row)

        states = {}
        full_id = backup_id(self.ember_json(home, 'backup-create', 'mixed-volume'))
        states[full_id] = os.path.join(work, 'state-1.img')
        shutil.copyfile(volume, states[full_id])
        self.cinder('import-record', *self.ember_records(home, work, [full_id]), '--db', db,
                    *where)

        mutate(volume, 32)
        # Cinder's rows hold whole seconds: in the same second as the ember full backup the
        # Cinder incremental would sort before it and ember would (rightly) pick the full
        time.sleep(1.1)
        cinder_inc = self.cinder('backup', '--volume-file', volume, '--volume-id', volume_id,
                                 '--db', db, '--object-size', str(OBJECT_SIZE),
                                 '--compression', 'zlib', '--incremental', *where)
        self.assertEqual(cinder_inc['parent_id'], full_id)
        self.assertTrue(0 < cinder_inc['object_count'] < 5,
                        'Cinder did not use the ember sha256file')
        self.check_cinder_row(cinder_inc)
        states[cinder_inc['id']] = os.path.join(work, 'state-2.img')
        shutil.copyfile(volume, states[cinder_inc['id']])

        exported = self.cinder('export-record', '--db', db, '--backup-id', cinder_inc['id'])
        self.ember_json(home, 'backup-import', exported['backup_service'], exported['backup_url'],
                        '--backend', backend)
        mutate(volume, 33)
        last_id = backup_id(self.ember_json(home, 'backup-create', '--incremental', 'mixed-volume'))
        states[last_id] = volume
        shown = self.ember_json(home, 'backup-show', last_id)
        self.assertEqual(shown.get('parent_id'), cinder_inc['id'],
                         'ember chose another parent: %r' % shown)

        self.cinder('import-record', *self.ember_records(home, work, [last_id]), '--db', db,
                    *where)
        self.assert_cinder_restores(work, states, 'Cinder restore of', '--db', db, *where)
        self.assert_ember_restores(home, work, states, 'ember restore of')

    def check_cinder_row(self, row):
        """More checks of the row of Cinder's incremental."""
