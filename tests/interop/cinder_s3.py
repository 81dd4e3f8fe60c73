#!/usr/bin/python3
"""Drive Cinder's real S3 backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.s3.S3BackupDriver (boto3 from Debian's python3-boto3, and
so the real cinder.backup.chunkeddriver code) from Debian's python3-cinder against a
real S3 service (Ceph's radosgw in the tests). Everything else - the in-memory
stand-in for cinder.db, record export/import through Cinder's own BackupManager code,
the chain walk on restore - is cinder_posix.py's: S3Harness is its ChunkedHarness
with the S3 driver and connection.

Subcommands and their JSON output are cinder_posix.py's (backup, restore,
export-record, import-record, delete); instead of --posix-path they take the S3
connection:

  --endpoint-url URL  backup_s3_endpoint_url (default $RGW_S3_ENDPOINT)
  --s3-bucket B       backup_s3_store_bucket (default volumebackups); the driver
                      creates it when a HEAD says 404
  the keys            backup_s3_store_access_key / _secret_key from
                      $CINDER_S3_ACCESS_KEY / $CINDER_S3_SECRET_KEY, else
                      $RGW_S3_ACCESS_KEY / $RGW_S3_SECRET_KEY: never on the command line
  --region R          Cinder has no region option: botocore takes it from
                      $AWS_DEFAULT_REGION (default $RGW_S3_REGION, else botocore's own)
  --object-size N     backup_s3_object_size (default 52428800)
  --sha-block-size N  backup_s3_block_size  (default 32768)
  --no-md5            backup_s3_md5_validation = False (default True: ContentMD5 sent)
  --retry-attempts N  backup_s3_retry_max_attempts
  --ca-cert-file F    backup_s3_ca_cert_file (for an https endpoint)
  --sse-algorithm A   backup_s3_sse_customer_algorithm (AES256); the SSE-C key,
                      backup_s3_sse_customer_key, only from $CINDER_S3_SSE_CUSTOMER_KEY
"""

import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cinder_harness import HarnessError  # noqa: E402
from cinder_posix import ChunkedHarness  # noqa: E402

S3_DRIVER = 'cinder.backup.drivers.s3.S3BackupDriver'


def s3_keys():
    """(access key, secret key) from the environment, or (None, None)."""
    return (os.environ.get('CINDER_S3_ACCESS_KEY') or os.environ.get('RGW_S3_ACCESS_KEY'),
            os.environ.get('CINDER_S3_SECRET_KEY') or os.environ.get('RGW_S3_SECRET_KEY'))


class S3Harness(ChunkedHarness):
    prog = 'cinder_s3'
    description = __doc__.split('\n\n')[0]
    driver = S3_DRIVER
    object_size_option = 'backup_s3_object_size'
    sha_block_size_option = 'backup_s3_block_size'

    def connection_options(self, args):
        # botocore logs every request at DEBUG only, but its credential lookup at INFO
        logging.getLogger('botocore').setLevel(logging.DEBUG if args.verbose else logging.WARNING)
        logging.getLogger('boto3').setLevel(logging.DEBUG if args.verbose else logging.WARNING)
        access_key, secret_key = s3_keys()
        if not args.endpoint_url or not access_key or not secret_key:
            raise HarnessError('the S3 connection needs --endpoint-url (or $RGW_S3_ENDPOINT) and '
                               'the keys in $CINDER_S3_ACCESS_KEY/$CINDER_S3_SECRET_KEY or '
                               '$RGW_S3_ACCESS_KEY/$RGW_S3_SECRET_KEY')
        # the driver builds its boto3 client from cinder.conf alone; the region is
        # botocore's (environment or ~/.aws/config), so a test pins both
        if args.region:
            os.environ['AWS_DEFAULT_REGION'] = args.region
        os.environ.setdefault('AWS_CONFIG_FILE', os.devnull)
        os.environ.setdefault('AWS_SHARED_CREDENTIALS_FILE', os.devnull)
        sse_key = os.environ.get('CINDER_S3_SSE_CUSTOMER_KEY')
        if args.sse_algorithm and not sse_key:
            raise HarnessError('--sse-algorithm needs the key in $CINDER_S3_SSE_CUSTOMER_KEY')
        return {
            'backup_s3_endpoint_url': args.endpoint_url,
            'backup_s3_ca_cert_file': args.ca_cert_file,
            'backup_s3_sse_customer_algorithm': args.sse_algorithm,
            'backup_s3_sse_customer_key': sse_key if args.sse_algorithm else None,
            'backup_s3_store_access_key': access_key,
            'backup_s3_store_secret_key': secret_key,
            'backup_s3_store_bucket': args.s3_bucket,
            'backup_s3_md5_validation': False if args.no_md5 else None,
            'backup_s3_retry_max_attempts': args.retry_attempts,
            'backup_s3_enable_progress_timer': False,
        }

    def add_connection_arguments(self, parser, command):
        parser.add_argument('--endpoint-url', default=os.environ.get('RGW_S3_ENDPOINT'))
        parser.add_argument('--s3-bucket', default=None,
                            help='backup_s3_store_bucket (default volumebackups)')
        parser.add_argument('--region', default=os.environ.get('RGW_S3_REGION'),
                            help='exported as AWS_DEFAULT_REGION for botocore')
        parser.add_argument('--no-md5', action='store_true',
                            help='backup_s3_md5_validation = False')
        parser.add_argument('--retry-attempts', type=int)
        parser.add_argument('--ca-cert-file', help='backup_s3_ca_cert_file')
        parser.add_argument('--sse-algorithm',
                            help='backup_s3_sse_customer_algorithm (AES256): SSE-C with the key '
                                 'in $CINDER_S3_SSE_CUSTOMER_KEY')


main = S3Harness().main

if __name__ == '__main__':
    sys.exit(main())
