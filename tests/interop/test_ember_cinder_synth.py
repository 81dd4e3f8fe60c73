#!/usr/bin/python3
"""Synthetic fulls and re-parented incrementals restored by Cinder's real drivers.

Ember backs up a volume file as a depth-5 chain (full + 4 incrementals, each after a
change), then `ember-cli backup-synthesize` the 3rd backup: a new full with its state,
the 4th backup moved onto it. `ember-cli backup-export` records of the synthetic full,
the moved incremental and the one after it are imported by Cinder's own import code
(the moved one's record must name the synthetic full as its parent), and Cinder's
PosixBackupDriver / SwiftBackupDriver restores each, byte-identical to the volume as
it was when the backup's state was taken. The moved backup's `_metadata` names the new
parent too. For every compression.

Run one class per backend: `test_ember_cinder_synth.py SynthPosixInterop` (no
services) or `... SynthSwiftInterop` (the `swift` fixture, EMBER_SERVICES_DIR).
Needs EMBER_CLI and Debian's python3-cinder.
"""

import json
import os
import shutil
import unittest
import uuid

import cinder_posix
import cinder_swift
from interop_common import (OBJECT_SIZE, EmberTestCase, backup_id, mutate, service_facts,
                            services_file, write_volume)

COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd')
DEPTH = 5        # a full and 4 incrementals
SYNTHESIZED = 2  # the 3rd backup: its child, the 4th, moves onto the synthetic full


class SynthInterop:
    """Subclasses give add_backend(home, work, compression) -> the harness's arguments
    for the same place, and stored_metadata(row) -> the `_metadata` JSON of a row."""

    def make_chain(self, work, home):
        """The depth-5 chain of a new volume file: ids, and a copy of the volume at each."""
        volume = os.path.join(work, 'volume.img')
        write_volume(volume, 41)
        self.ember(home, 'volume-add', volume, '--name', 'synth-volume')
        chain, states = [], {}
        for n in range(DEPTH):
            if n:
                mutate(volume, 41 + n)
            created = self.ember_json(home, 'backup-create', '--name', 'b%d' % n,
                                      *(['--incremental'] if n else []), 'synth-volume')
            chain.append(backup_id(created))
            states[chain[-1]] = os.path.join(work, 'state-%d.img' % n)
            shutil.copyfile(volume, states[chain[-1]])
        self.assertTrue(all(chain), 'backup-create printed no backup id')
        return chain, states

    def test_synthetic_full_restores_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('synth-' + compression)
                home = os.path.join(work, 'ember-home')
                where = self.add_backend(home, work, compression)
                chain, states = self.make_chain(work, home)
                source, moved, last = chain[SYNTHESIZED:SYNTHESIZED + 3]

                synthetic = self.ember_json(home, 'backup-synthesize', source,
                                            '--name', 'synthetic full')
                synthetic_id = synthetic.get('id')
                self.assertNotIn(synthetic_id, chain)
                self.assertEqual(synthetic.get('synthesized_from'), source)
                self.assertEqual(synthetic.get('moved'), [moved])
                self.assertIsNone(synthetic.get('parent_id'))
                self.assertEqual(self.ember_json(home, 'backup-show', moved).get('parent_id'),
                                 synthetic_id)

                # Cinder's import of each record: the moved backup names the new parent
                order = (synthetic_id, moved, last)
                records = self.ember_records(home, work, order)
                rows = {}
                for n, backup in enumerate(order):
                    row = self.cinder('import-record', '--record', records[1 + 2 * n])
                    self.assertEqual(row['id'], backup)
                    self.assertEqual(row['service'], self.harness.driver)
                    self.assertEqual(row.get('parent_id'), order[n - 1] if n else None,
                                     'the record of %s names another parent' % backup)
                    rows[backup] = row
                self.assertEqual(self.stored_metadata(rows[moved]).get('parent_id'),
                                 synthetic_id, "the moved backup's _metadata")
                self.assertEqual(self.stored_metadata(rows[last]).get('parent_id'), moved)

                # the old parent's records are not needed: the chain is synthetic <- moved <- last
                self.assert_cinder_restores(
                    work, {synthetic_id: states[source], moved: states[moved],
                           last: states[last]},
                    'Cinder restore after synthesizing (%s)' % compression, *where, *records,
                    remove=True)


class SynthPosixInterop(SynthInterop, EmberTestCase):
    harness = cinder_posix.PosixHarness()
    tmp_default = '/tmp/ember-interop-synth'

    def add_backend(self, home, work, compression):
        self.store = os.path.join(work, 'store')
        self.ember(home, 'backend-add-local', 'synth-local', self.store, '--compression',
                   compression, '--object-size', str(OBJECT_SIZE), '--default')
        return ['--posix-path', self.store]

    def stored_metadata(self, row):
        path = os.path.join(self.store, row['container'], row['service_metadata'] + '_metadata')
        with open(path, encoding='utf-8') as f:
            return json.load(f)


class SynthSwiftInterop(SynthInterop, EmberTestCase):
    harness = cinder_swift.SwiftHarness()
    tmp_default = '/tmp/ember-interop-synth-swift'

    @classmethod
    def setUpClass(cls):
        cls.facts = service_facts(services_file('swift.env'), 'SWIFT_')
        for name in ('SWIFT_AUTH_URL', 'SWIFT_USER', 'SWIFT_KEY'):
            if not cls.facts.get(name):
                raise AssertionError('no %s: run through ctest (fixture `swift`) or export the '
                                     'output of tests/services/swift.sh start DIR' % name)
            os.environ[name] = cls.facts[name]  # the harness's connection
        cls.forbidden_output = (cls.facts['SWIFT_KEY'],)
        from swiftclient import client as swiftclient
        cls.swift = swiftclient.Connection(authurl=cls.facts['SWIFT_AUTH_URL'],
                                           user=cls.facts['SWIFT_USER'],
                                           key=cls.facts['SWIFT_KEY'], auth_version='1')

    def add_backend(self, home, work, compression):
        container = 'interop-synth-%s-%s' % (compression, uuid.uuid4().hex[:8])
        options = {'backup_swift_auth_url': self.facts['SWIFT_AUTH_URL'],
                   'backup_swift_user': self.facts['SWIFT_USER'],
                   'backup_swift_auth_version': '1',
                   'backup_swift_container': container,
                   'backup_swift_object_size': str(OBJECT_SIZE),
                   'backup_swift_block_size': '32768',
                   'backup_compression_algorithm': compression}
        argv = ['backend-add', 'synth-swift', 'swift', '--default']
        for option in options.items():
            argv += ['--option', '%s=%s' % option]
        self.ember(home, *argv)
        self.ember(home, 'backend-set-secret', 'synth-swift', 'backup_swift_key',
                   input=self.facts['SWIFT_KEY'] + '\n')
        return []

    def stored_metadata(self, row):
        _, body = self.swift.get_object(row['container'], row['service_metadata'] + '_metadata')
        return json.loads(body)


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
