#!/usr/bin/python3
"""Ember <-> Cinder interop over a real S3 service (Ceph's radosgw), both directions,
byte-compared.

Cinder -> Ember: Cinder's real S3BackupDriver (boto3) makes a full and an incremental
backup in a bucket of the radosgw started by the CTest fixture `rgw`; `cinder
backup-export` records (Cinder's own code) are imported with `ember-cli backup-import
SERVICE URL --backend <s3 backend>`; ember restores both byte-identical and deletes
them, leaving nothing under their prefixes.
Ember -> Cinder: ember backs up (full + incremental) to its S3 backend; `ember-cli
backup-export` records are imported by Cinder's import code and Cinder's driver
restores the chain byte-identical (its restore also checks that the listing under the
prefix holds exactly the objects of _metadata), then deletes the objects.
Mixed chain: ember full <- Cinder incremental <- ember incremental in one bucket, every
state restored by both.
Object Lock: a locked ember backup restores in Cinder; Cinder's delete only hides it
behind delete markers; ember refuses the delete with the date, and still restores it.
SSE-C: both directions again with a customer key, over radosgw's TLS endpoint (its own
CA as backup_s3_ca_cert_file); every object is checked unreadable without the key.
Every object either tool wrote is checked against the other's expectations: names,
_metadata's object list, each single-part object's ETag the MD5 of its bytes (Cinder's
_metadata records the MD5 of the uncompressed data, so only "none" objects match it).

Ember's S3 backend is configured with `ember-cli backend-add NAME s3 --option ...` and
its keys stored with `ember-cli backend-set-secret NAME backup_s3_store_access_key` and
`... backup_s3_store_secret_key` (from stdin, into the secret store's file fallback: no
keyring here, EMBER_ALLOW_FILE_SECRETS=1); the secret key never appears on a command
line nor in ember-cli's output. Needs EMBER_CLI and EMBER_SERVICES_DIR (set by CTest);
EMBER_RGW_ENV names another radosgw's facts file instead.
"""

import hashlib
import json
import os
import unittest
import uuid

import cinder_s3
from interop_common import (OBJECT_SIZE, ChunkedInterop, EmberTestCase, service_facts,
                            services_file)

COMPRESSIONS = ('none', 'zlib', 'bz2', 'zstd')
FACTS = ('RGW_S3_ENDPOINT', 'RGW_S3_ACCESS_KEY', 'RGW_S3_SECRET_KEY')


def bucket_name(kind, compression=''):
    """A fresh bucket name S3 accepts (lower case, digits, hyphens, 3-63 characters)."""
    return '-'.join(filter(None, ('interop', kind, compression, uuid.uuid4().hex[:8])))


class EmberCinderS3Interop(ChunkedInterop, EmberTestCase):
    harness = cinder_s3.S3Harness()
    tmp_default = '/tmp/ember-interop-s3'

    @classmethod
    def setUpClass(cls):
        cls.facts = service_facts(os.environ.get('EMBER_RGW_ENV') or services_file('rgw.env'),
                                  'RGW_')
        for name in FACTS:
            if not cls.facts.get(name):
                raise AssertionError('no %s: run through ctest (fixture `rgw`) or set '
                                     'EMBER_RGW_ENV to the output of tests/services/rgw.sh '
                                     'start DIR' % name)
        cls.region = cls.facts.get('RGW_S3_REGION') or 'us-east-1'
        # the harness reads the connection from the environment, the keys included
        for name in FACTS:
            os.environ[name] = cls.facts[name]
        os.environ['RGW_S3_REGION'] = cls.region
        cls.forbidden_output = (cls.facts['RGW_S3_SECRET_KEY'],)
        import boto3
        from botocore.config import Config
        cls.s3 = boto3.client('s3', endpoint_url=cls.facts['RGW_S3_ENDPOINT'],
                              aws_access_key_id=cls.facts['RGW_S3_ACCESS_KEY'],
                              aws_secret_access_key=cls.facts['RGW_S3_SECRET_KEY'],
                              region_name=cls.region,
                              config=Config(s3={'addressing_style': 'path'}))
        cls.buckets = []

    @classmethod
    def tearDownClass(cls):
        # the fixture's radosgw is shared: leave no bucket behind (objects first)
        # (every version and delete marker, GOVERNANCE retention bypassed)
        for bucket in cls.buckets:
            try:
                pages = cls.s3.get_paginator('list_object_versions').paginate(Bucket=bucket)
                for page in pages:
                    for entry in page.get('Versions', []) + page.get('DeleteMarkers', []):
                        cls.s3.delete_object(Bucket=bucket, Key=entry['Key'],
                                             VersionId=entry['VersionId'],
                                             BypassGovernanceRetention=True)
                cls.s3.delete_bucket(Bucket=bucket)
            except Exception as e:  # a bucket Cinder or ember never created
                if 'NoSuchBucket' not in str(e):
                    raise

    # -- helpers
    @classmethod
    def all_objects(cls, bucket, prefix):
        names = []
        for page in cls.s3.get_paginator('list_objects_v2').paginate(Bucket=bucket,
                                                                     Prefix=prefix):
            names += [entry['Key'] for entry in page.get('Contents', [])]
        return names

    def objects(self, bucket, prefix):
        return self.all_objects(bucket, prefix)

    def new_bucket(self, kind, compression=''):
        name = bucket_name(kind, compression)
        self.buckets.append(name)
        return name

    def add_s3_backend(self, home, name, bucket, compression, default=False, extra=None,
                       sse_key=None):
        options = {'backup_s3_endpoint_url': self.facts['RGW_S3_ENDPOINT'],
                   'backup_s3_store_bucket': bucket,
                   'backup_s3_object_size': str(OBJECT_SIZE),
                   'backup_s3_block_size': '32768',
                   'ember_s3_region': self.region,
                   'backup_compression_algorithm': compression}
        options.update(extra or {})
        argv = ['backend-add', name, 's3']
        for option in options.items():
            argv += ['--option', '%s=%s' % option]
        self.ember(home, *argv, *(['--default'] if default else []))
        secrets = {'backup_s3_store_access_key': self.facts['RGW_S3_ACCESS_KEY'],
                   'backup_s3_store_secret_key': self.facts['RGW_S3_SECRET_KEY']}
        if sse_key:
            secrets['backup_s3_sse_customer_key'] = sse_key
        for secret, value in secrets.items():
            self.ember(home, 'backend-set-secret', name, secret, input=value + '\n')
        with open(os.path.join(home, 'secrets.json'), encoding='utf-8') as f:
            self.assertEqual(json.load(f)['backends'][name], secrets)

    def add_shared_backend(self, home, work):
        self.bucket = self.new_bucket('mixed')
        self.add_s3_backend(home, 'shared', self.bucket, 'zlib', default=True)
        return 'shared', ['--s3-bucket', self.bucket]

    def check_cinder_row(self, row):
        self.assertEqual(row['container'], self.bucket)

    def assert_layout(self, bucket, row, volume_id):
        """Cinder's names under the backup's prefix, exactly _metadata's objects plus the
        two JSON files; each single-part object's ETag is the MD5 of its bytes, and an
        uncompressed object's bytes have the length and MD5 _metadata holds for it."""
        prefix = row['service_metadata']
        self.assertRegex(prefix, r'^volume_%s/\d{14}/az_nova_backup_%s$' % (volume_id, row['id']))
        names = self.objects(bucket, prefix)
        self.assertIn(prefix + '_metadata', names)
        self.assertIn(prefix + '_sha256file', names)
        self.assertEqual(len(names) - 2, row['object_count'], names)
        metadata = json.loads(self.s3.get_object(Bucket=bucket,
                                                 Key=prefix + '_metadata')['Body'].read())
        self.assertEqual(metadata['backup_id'], row['id'])
        described = {}
        for entry in metadata['objects']:
            described.update(entry)
        self.assertEqual(sorted(described), sorted(set(names) - {prefix + '_metadata',
                                                                 prefix + '_sha256file'}))
        for name, facts in described.items():
            self.assertRegex(name, r'^%s-\d{5}$' % prefix)
            got = self.s3.get_object(Bucket=bucket, Key=name)
            body, etag = got['Body'].read(), got['ETag'].strip('"')
            if '-' not in etag:  # a multipart ETag is not an MD5
                self.assertEqual(etag, hashlib.md5(body).hexdigest(), name)
            if facts['compression'] == 'none':  # _metadata's md5 is of the volume's bytes
                self.assertEqual(len(body), facts['length'], name)
                self.assertEqual(hashlib.md5(body).hexdigest(), facts['md5'], name)

    def assert_sse_c(self, bucket, row, key):
        """Every object of the backup is SSE-C encrypted with `key`: a GET without the
        key is refused, one with it (over TLS, as radosgw requires) returns the object."""
        import boto3
        from botocore.exceptions import ClientError
        names = self.objects(bucket, row['service_metadata'])
        self.assertEqual(len(names), row['object_count'] + 2, names)
        tls = boto3.client('s3', endpoint_url=self.facts['RGW_S3_TLS_ENDPOINT'],
                           verify=self.facts['RGW_S3_TLS_CA'],
                           aws_access_key_id=self.facts['RGW_S3_ACCESS_KEY'],
                           aws_secret_access_key=self.facts['RGW_S3_SECRET_KEY'],
                           region_name=self.region)
        for name in names:
            with self.assertRaises(ClientError, msg='%s is readable without the key' % name):
                self.s3.get_object(Bucket=bucket, Key=name)
            got = tls.get_object(Bucket=bucket, Key=name, SSECustomerAlgorithm='AES256',
                                 SSECustomerKey=key)
            self.assertEqual(got['SSECustomerAlgorithm'], 'AES256', name)

    # -- tests
    def test_cinder_backups_restore_in_ember(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('c2e-' + compression)
                bucket = self.new_bucket('c2e', compression)
                volume_id = '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f%04d' % COMPRESSIONS.index(compression)
                db, volume, full_copy, full, inc = self.cinder_backups(
                    work, volume_id, compression, '--s3-bucket', bucket)
                self.assertEqual(full['container'], bucket)
                self.assertEqual(full['object_count'], 5)
                self.assertTrue(0 < inc['object_count'] < 5, inc)
                self.assert_layout(bucket, full, volume_id)
                self.assert_layout(bucket, inc, volume_id)

                home = os.path.join(work, 'ember-home')
                self.add_s3_backend(home, 'cinder-s3', bucket, compression)
                self.import_in_ember(home, db, (full, inc), 'cinder-s3')
                self.assert_ember_restores(home, work, {inc['id']: volume, full['id']: full_copy},
                                           'ember restore of Cinder backup (%s)' % compression)

                # ember deletes Cinder's objects, newest first, and leaves nothing behind
                for row in (inc, full):
                    self.ember(home, 'backup-delete', row['id'])
                    self.assertEqual(self.objects(bucket, row['service_metadata']), [])

    def test_ember_backups_restore_in_cinder(self):
        for compression in COMPRESSIONS:
            with self.subTest(compression=compression):
                work = self.workdir('e2c-' + compression)
                bucket = self.new_bucket('e2c', compression)
                home = os.path.join(work, 'ember-home')
                self.add_s3_backend(home, 'interop-s3', bucket, compression, default=True)
                volume, full_copy, full_id, inc_id, records = self.ember_file_backups(work, home)

                rows = self.import_in_cinder(records, (full_id, inc_id), bucket)
                for row in rows.values():
                    self.assertEqual(row['service'], cinder_s3.S3_DRIVER)
                self.assert_layout(bucket, rows[full_id], rows[full_id]['volume_id'])
                self.assert_layout(bucket, rows[inc_id], rows[inc_id]['volume_id'])

                self.assert_cinder_restores(work, {inc_id: volume, full_id: full_copy},
                                            'Cinder restore of ember backup (%s)' % compression,
                                            *records)

                # Cinder's driver deletes what ember wrote, object for object
                for backup_id in (inc_id, full_id):
                    deleted = self.cinder('delete', '--backup-id', backup_id, *records)
                    self.assertEqual(deleted['objects_before'], rows[backup_id]['object_count'] + 2)
                    self.assertEqual(
                        self.objects(bucket, rows[backup_id]['service_metadata']), [])


    def test_sse_c_both_ways(self):
        """SSE-C (backup_s3_sse_customer_key/_algorithm) over radosgw's TLS endpoint with
        its own CA (backup_s3_ca_cert_file): each tool reads the other's encrypted backups,
        so both send the same customer key (the option's 32 characters as the key's bytes)."""
        for name in ('RGW_S3_TLS_ENDPOINT', 'RGW_S3_TLS_CA'):
            if not self.facts.get(name):
                self.fail('no %s in rgw.env: SSE-C needs the fixture\'s TLS endpoint' % name)
        key = uuid.uuid4().hex  # 32 characters
        os.environ['CINDER_S3_SSE_CUSTOMER_KEY'] = key
        self.addCleanup(os.environ.pop, 'CINDER_S3_SSE_CUSTOMER_KEY', None)
        where = ['--endpoint-url', self.facts['RGW_S3_TLS_ENDPOINT'],
                 '--ca-cert-file', self.facts['RGW_S3_TLS_CA'], '--sse-algorithm', 'AES256']
        extra = {'backup_s3_endpoint_url': self.facts['RGW_S3_TLS_ENDPOINT'],
                 'backup_s3_ca_cert_file': self.facts['RGW_S3_TLS_CA'],
                 'backup_s3_sse_customer_algorithm': 'AES256'}

        # Cinder -> ember
        work = self.workdir('sse-c2e')
        bucket = self.new_bucket('sse-c2e')
        db, volume, full_copy, full, inc = self.cinder_backups(
            work, '7d1c3f0e-9a54-4f11-8b0a-5e3c2d1f0101', 'zlib', '--s3-bucket', bucket, *where)
        self.assert_sse_c(bucket, full, key)
        home = os.path.join(work, 'ember-home')
        self.add_s3_backend(home, 'cinder-sse', bucket, 'zlib', extra=extra, sse_key=key)
        self.import_in_ember(home, db, (full, inc), 'cinder-sse')
        self.assert_ember_restores(home, work, {inc['id']: volume, full['id']: full_copy},
                                   'ember restore of Cinder SSE-C backup')

        # ember -> Cinder
        work = self.workdir('sse-e2c')
        bucket = self.new_bucket('sse-e2c')
        home = os.path.join(work, 'ember-home')
        self.add_s3_backend(home, 'ember-sse', bucket, 'zlib', default=True, extra=extra,
                            sse_key=key)
        volume, full_copy, full_id, inc_id, records = self.ember_file_backups(work, home)
        rows = self.import_in_cinder(records, (full_id, inc_id), bucket)
        self.assert_sse_c(bucket, rows[full_id], key)
        self.assert_sse_c(bucket, rows[inc_id], key)
        self.assert_cinder_restores(work, {inc_id: volume, full_id: full_copy},
                                    'Cinder restore of ember SSE-C backup', *records, *where)


    def locked_backup_deleted_by_cinder(self, kind):
        """An ember full + incremental written with GOVERNANCE retention (1 day) into a
        new bucket created with Object Lock, imported by Cinder, which restores both
        byte-identical, then Cinder's delete of the incremental: a plain DeleteObject
        per name only hides the objects behind delete markers, every version stays.
        Returns (home, work, volume file, incremental id, the retain-until dates)."""
        work = self.workdir(kind)
        bucket = self.new_bucket(kind)
        self.s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        home = os.path.join(work, 'ember-home')
        self.add_s3_backend(home, 'locked', bucket, 'zlib', default=True,
                            extra={'ember_s3_object_lock_mode': 'GOVERNANCE',
                                   'ember_s3_object_lock_days': '1'})
        volume, full_copy, full_id, inc_id, records = self.ember_file_backups(work, home)
        rows = self.import_in_cinder(records, (full_id, inc_id), bucket)
        prefix = rows[inc_id]['service_metadata']
        names = self.objects(bucket, prefix)
        self.assertEqual(len(names), rows[inc_id]['object_count'] + 2, names)
        until = set()
        for name in names:
            retention = self.s3.get_object_retention(Bucket=bucket, Key=name)['Retention']
            self.assertEqual(retention['Mode'], 'GOVERNANCE', name)
            until.add(retention['RetainUntilDate'].date())
        self.assert_cinder_restores(work, {inc_id: volume, full_id: full_copy},
                                    'Cinder restore of a locked ember backup', *records)

        self.cinder('delete', '--backup-id', inc_id, *records)
        self.assertEqual(self.objects(bucket, prefix), [])  # hidden, not gone
        versions = self.s3.list_object_versions(Bucket=bucket, Prefix=prefix)
        self.assertEqual({v['Key'] for v in versions.get('Versions', [])}, set(names))
        return home, work, volume, inc_id, until

    def test_locked_ember_backup_in_cinder(self):
        """Object Lock (beyond Cinder): a locked ember backup is an ordinary backup to
        Cinder; Cinder's delete leaves every version, and ember still refuses to delete
        the backup, naming the date it becomes deletable."""
        home, work, volume, inc_id, until = self.locked_backup_deleted_by_cinder('locked')
        refused = self.ember_proc(home, 'backup-delete', inc_id)
        self.assertNotEqual(refused.returncode, 0, 'ember deleted a locked backup')
        self.assertTrue(any(day.isoformat() in refused.stderr + refused.stdout for day in until),
                        'the refusal names no retain-until date %s: %s'
                        % (sorted(until), refused.stderr + refused.stdout))

    def test_locked_backup_restores_after_cinder_delete(self):
        """What Cinder's delete hid behind delete markers is still the backup: ember
        restores it byte-identical (its objects' locked versions are all there)."""
        home, work, volume, inc_id, until = self.locked_backup_deleted_by_cinder('hidden')
        self.assert_ember_restores(home, work, {inc_id: volume},
                                   'ember restore after Cinder\'s delete of a locked backup')

if __name__ == '__main__':
    unittest.main(verbosity=2, warnings='ignore')  # eventlet's DeprecationWarnings
