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

Ember's Swift backend is configured with `ember-cli backend-add NAME swift --option ...`
and its key stored with `ember-cli backend-set-secret NAME backup_swift_key` (from
stdin, into the secret store's file fallback: no keyring here, EMBER_ALLOW_FILE_SECRETS=1);
the key never appears on a command line nor in ember-cli's output. Needs EMBER_CLI and
EMBER_SERVICES_DIR (set by CTest).
"""

import json
import os
import unittest
import uuid

import cinder_swift
from interop_common import (OBJECT_SIZE, ChunkedInterop, EmberTestCase, service_facts,
                            services_file)

COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd')


class EmberCinderSwiftInterop(ChunkedInterop, EmberTestCase):
    harness = cinder_swift.SwiftHarness()
    tmp_default = '/tmp/ember-interop-swift'

    @classmethod
    def setUpClass(cls):
        cls.facts = service_facts(services_file('swift.env'), 'SWIFT_')
        for name in ('SWIFT_AUTH_URL', 'SWIFT_USER', 'SWIFT_KEY'):
            if not cls.facts.get(name):
                raise AssertionError('no %s: run through ctest (fixture `swift`) or export the '
                                     'output of tests/services/swift.sh start DIR' % name)
        # the harness reads the connection from the environment, the key included
        for name in ('SWIFT_AUTH_URL', 'SWIFT_USER', 'SWIFT_KEY'):
            os.environ[name] = cls.facts[name]
        cls.forbidden_output = (cls.facts['SWIFT_KEY'],)
        from swiftclient import client as swiftclient
        cls.swift = swiftclient.Connection(authurl=cls.facts['SWIFT_AUTH_URL'],
                                           user=cls.facts['SWIFT_USER'],
                                           key=cls.facts['SWIFT_KEY'], auth_version='1')

    # -- helpers
    def add_swift_backend(self, home, name, container, compression, default=False):
        options = {'backup_swift_auth_url': self.facts['SWIFT_AUTH_URL'],
                   'backup_swift_user': self.facts['SWIFT_USER'],
                   'backup_swift_auth_version': '1',
                   'backup_swift_container': container,
                   'backup_swift_object_size': str(OBJECT_SIZE),
                   'backup_swift_block_size': '32768',
                   'backup_compression_algorithm': compression}
        argv = ['backend-add', name, 'swift']
        for option in options.items():
            argv += ['--option', '%s=%s' % option]
        self.ember(home, *argv, *(['--default'] if default else []))
        self.ember(home, 'backend-set-secret', name, 'backup_swift_key',
                   input=self.facts['SWIFT_KEY'] + '\n')
        with open(os.path.join(home, 'secrets.json'), encoding='utf-8') as f:
            self.assertEqual(json.load(f)['backends'][name]['backup_swift_key'],
                             self.facts['SWIFT_KEY'])

    def add_shared_backend(self, home, work):
        self.container = 'interop-mixed-%s' % uuid.uuid4().hex[:8]
        self.add_swift_backend(home, 'shared', self.container, 'zlib', default=True)
        return 'shared', ['--swift-container', self.container]

    def check_cinder_row(self, row):
        self.assertEqual(row['container'], self.container)

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
                work = self.workdir('c2e-' + compression)
                container = 'interop-c2e-%s-%s' % (compression, uuid.uuid4().hex[:8])
                volume_id = '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f%04d' % COMPRESSIONS.index(compression)
                db, volume, full_copy, full, inc = self.cinder_backups(
                    work, volume_id, compression, '--swift-container', container)
                self.assertEqual(full['container'], container)
                self.assertEqual(full['object_count'], 5)
                self.assertTrue(0 < inc['object_count'] < 5, inc)
                self.assert_layout(container, full, volume_id)
                self.assert_layout(container, inc, volume_id)

                home = os.path.join(work, 'ember-home')
                self.add_swift_backend(home, 'cinder-swift', container, compression)
                self.import_in_ember(home, db, (full, inc), 'cinder-swift')
                self.assert_ember_restores(home, work, {inc['id']: volume, full['id']: full_copy},
                                           'ember restore of Cinder backup (%s)' % compression)

                # ember deletes Cinder's objects, newest first, and leaves nothing behind
                for row in (inc, full):
                    self.ember(home, 'backup-delete', row['id'])
                    self.assertEqual(self.objects(container, row['service_metadata']), [])

    def test_ember_backups_restore_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('e2c-' + compression)
                container = 'interop-e2c-%s-%s' % (compression, uuid.uuid4().hex[:8])
                home = os.path.join(work, 'ember-home')
                self.add_swift_backend(home, 'interop-swift', container, compression, default=True)
                volume, full_copy, full_id, inc_id, records = self.ember_file_backups(work, home)

                rows = self.import_in_cinder(records, (full_id, inc_id), container)
                self.assert_layout(container, rows[full_id], rows[full_id]['volume_id'])
                self.assert_layout(container, rows[inc_id], rows[inc_id]['volume_id'])

                self.assert_cinder_restores(work, {inc_id: volume, full_id: full_copy},
                                            'Cinder restore of ember backup (%s)' % compression,
                                            *records)

                # Cinder's driver deletes what ember wrote, object for object
                for backup_id in (inc_id, full_id):
                    deleted = self.cinder('delete', '--backup-id', backup_id, *records)
                    self.assertEqual(deleted['objects_before'], rows[backup_id]['object_count'] + 2)
                    self.assertEqual(
                        self.objects(container, rows[backup_id]['service_metadata']), [])


if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
