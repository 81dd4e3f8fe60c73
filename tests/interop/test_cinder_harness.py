#!/usr/bin/python3
"""The Cinder harness itself: Cinder's real PosixBackupDriver backs up, restores and
exports/imports records through cinder_posix.py, byte-compared, for every compression.
If this fails, the Ember <-> Cinder interop tests cannot be trusted either."""

import contextlib
import io
import json
import os
import random
import shutil
import unittest

import cinder_posix
from interop_common import OBJECT_SIZE, HarnessTestCase, first_difference

VOLUME_SIZE = 5 * OBJECT_SIZE + 12345  # not a multiple of the object or block size
VOLUME_ID = '2b0d5a57-8f57-4b4e-9d0c-6a2f4d8e1c01'


def write_volume(path, seed):
    rng = random.Random(seed)
    with open(path, 'wb') as f:
        f.write(bytes(OBJECT_SIZE))                      # zeros
        f.write(b'ember interop text block\n' * (OBJECT_SIZE // 25))  # compressible
        f.write(rng.randbytes(VOLUME_SIZE - f.tell()))   # incompressible, odd tail


def mutate(path, seed):
    rng = random.Random(seed)
    with open(path, 'r+b') as f:
        for offset in (100, 2 * OBJECT_SIZE - 10, VOLUME_SIZE - 7):  # crosses an object boundary
            f.seek(offset)
            f.write(rng.randbytes(min(5000, VOLUME_SIZE - offset)))


class CinderHarnessTest(HarnessTestCase):
    harness = cinder_posix.PosixHarness()
    tmp_default = '/tmp/ember-interop-harness'

    def test_chain_round_trip_every_compression(self):
        for compression in ('none', 'zlib', 'bz2', 'zstd'):
            with self.subTest(compression=compression):
                store, db = self.path('store-' + compression), self.path('db-%s.json' % compression)
                volume, full_copy = self.path('volume.img'), self.path('full.img')
                write_volume(volume, 1)
                shutil.copyfile(volume, full_copy)
                common = ['--posix-path', store, '--db', db, '--object-size', str(OBJECT_SIZE),
                          '--compression', compression]
                common = ['--volume-file', volume, '--volume-id', VOLUME_ID, *common]
                full = self.cinder('backup', *common)
                self.assertEqual(full['object_count'], 6)
                self.assertIsNone(full['parent_id'])
                unchanged = self.cinder('backup', '--incremental', *common)
                self.assertEqual(unchanged['parent_id'], full['id'])
                self.assertEqual(unchanged['object_count'], 0)
                mutate(volume, 2)
                inc = self.cinder('backup', '--incremental', *common)
                self.assertEqual(inc['parent_id'], unchanged['id'])
                self.assertEqual(inc['object_count'], 4)  # the 2nd change spans two objects

                # compression tags in Cinder's own metadata file
                container = os.path.join(store, full['container'])
                with open(os.path.join(container, full['service_metadata'] + '_metadata')) as f:
                    tags = {list(o.values())[0]['compression'] for o in json.load(f)['objects']}
                expected = {'none'} if compression == 'none' else {'none', compression}
                self.assertEqual(tags, expected)

                restored = self.path('restored.img')
                at_store = ['--volume-file', restored, '--posix-path', store]
                result = self.cinder('restore', *at_store, '--db', db)
                self.assertEqual(result['chain'], [full['id'], unchanged['id'], inc['id']])
                self.assertIsNone(first_difference(volume, restored), 'chain restore differs')
                self.cinder('restore', *at_store, '--db', db, '--backup-id', full['id'])
                self.assertIsNone(first_difference(full_copy, restored), 'full restore differs')

                # export every row, import into an empty "database", restore from the records
                records = []
                for row in (full, unchanged, inc):
                    record = self.cinder('export-record', '--db', db, '--backup-id', row['id'])
                    self.assertTrue(cinder_posix.POSIX_DRIVER.startswith(record['backup_service']))
                    path = self.path('record-%s.json' % row['id'])
                    with open(path, 'w') as f:
                        json.dump(record, f)
                    records += ['--record', path]
                os.remove(restored)
                result = self.cinder('restore', *at_store, *records)
                self.assertEqual(result['restored'], inc['id'])
                self.assertIsNone(first_difference(volume, restored),
                                  'restore from imported records differs')

    def test_refusals_are_clear(self):
        status_of = cinder_posix.main
        with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
            status = status_of(['import-record', '--record', 'cinder.backup.drivers.swift eyJ9'])
        self.assertEqual(status, 1)
        self.assertIn('Cinder refused the record', err.getvalue())
        record = self.path('no-size.json')
        with open(record, 'w') as f:
            json.dump({'backup_service': 'cinder.backup.drivers.posix',
                       'backup_url': 'eyJpZCI6ICJ4In0='}, f)  # {"id": "x"}
        with contextlib.redirect_stderr(io.StringIO()) as err, contextlib.redirect_stdout(io.StringIO()):
            status = status_of(['import-record', '--record', record])
        self.assertEqual(status, 1)
        self.assertIn('missing size', err.getvalue())


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
