#!/usr/bin/python3
"""Ember <-> Cinder interop, both directions, byte-compared, for every compression.

Cinder -> Ember: Cinder's real PosixBackupDriver makes a full and an incremental
backup; `cinder backup-export` records (Cinder's own export code) are imported with
`ember-cli backup-import SERVICE URL`; ember restores both backups byte-identical.
Ember -> Cinder: ember makes a full and an incremental backup on a local backend;
`ember-cli backup-export` records are imported by Cinder's own import code, and Cinder's
driver restores the chain byte-identical.
Mixed chain: ember full <- Cinder incremental <- ember incremental in one store, every
state restored by both.

Volume sizes are not multiples of the SHA block or the object size; changes cross an
object boundary. Needs EMBER_CLI (set by CTest) and Debian's python3-cinder.
"""

import os
import unittest

import cinder_posix
from interop_common import OBJECT_SIZE, ChunkedInterop, EmberTestCase

# gzip and bzip2 are Cinder's aliases: it writes them as the objects' tags ('gzip' is a zlib stream)
COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd', 'gzip', 'bzip2')


class EmberCinderInterop(ChunkedInterop, EmberTestCase):
    harness = cinder_posix.PosixHarness()

    def add_local_backend(self, home, name, store, compression, default=False):
        self.ember(home, 'backend-add-local', name, store, '--compression', compression,
                   '--object-size', str(OBJECT_SIZE), *(['--default'] if default else []))

    def add_shared_backend(self, home, work):
        store = os.path.join(work, 'store')
        self.add_local_backend(home, 'shared', store, 'zlib', default=True)
        return 'shared', ['--posix-path', store]

    def test_cinder_backups_restore_in_ember(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('c2e-' + compression)
                store = os.path.join(work, 'store')
                volume_id = '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f%04d' % COMPRESSIONS.index(compression)
                db, volume, full_copy, full, inc = self.cinder_backups(
                    work, volume_id, compression, '--posix-path', store)

                home = os.path.join(work, 'ember-home')
                self.ember(home, 'backend-add-local', 'cinder-posix', store)
                self.import_in_ember(home, db, (full, inc), 'cinder-posix')
                self.assert_ember_restores(home, work, {inc['id']: volume, full['id']: full_copy},
                                           'ember restore of Cinder backup (%s)' % compression)

    def test_ember_backups_restore_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('e2c-' + compression)
                store, home = os.path.join(work, 'store'), os.path.join(work, 'ember-home')
                self.add_local_backend(home, 'interop-local', store, compression, default=True)
                volume, full_copy, full_id, inc_id, records = self.ember_file_backups(work, home)
                self.assert_cinder_restores(work, {inc_id: volume, full_id: full_copy},
                                            'Cinder restore of ember backup (%s)' % compression,
                                            '--posix-path', store, *records)


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
