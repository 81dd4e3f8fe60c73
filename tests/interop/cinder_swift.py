#!/usr/bin/python3
"""Drive Cinder's real Swift backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.swift.SwiftBackupDriver (python-swiftclient, and so the
real cinder.backup.chunkeddriver code) from Debian's python3-cinder against a real
Swift, with `backup_swift_auth = single_user` and v1 auth (tempauth). Everything
else - the in-memory stand-in for cinder.db, record export/import through Cinder's
own BackupManager code, the chain walk on restore - is cinder_posix.py's: SwiftHarness
is its ChunkedHarness with the Swift driver and connection.

Subcommands and their JSON output are cinder_posix.py's (backup, restore,
export-record, import-record, delete); instead of --posix-path they take the Swift
connection:

  --auth-url URL      backup_swift_auth_url (default $SWIFT_AUTH_URL)
  --user USER         backup_swift_user     (default $SWIFT_USER)
  --swift-container C backup_swift_container (default volumebackups)
  the key             backup_swift_key from $CINDER_SWIFT_KEY, else $SWIFT_KEY:
                      never on the command line
  --object-size N     backup_swift_object_size (default 52428800)
  --sha-block-size N  backup_swift_block_size  (default 32768)
  --retry-attempts N, --retry-backoff S   backup_swift_retry_attempts/_backoff
"""

import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cinder_harness import HarnessError  # noqa: E402
from cinder_posix import ChunkedHarness  # noqa: E402

SWIFT_DRIVER = 'cinder.backup.drivers.swift.SwiftBackupDriver'


class SwiftHarness(ChunkedHarness):
    prog = 'cinder_swift'
    description = __doc__.split('\n\n')[0]
    driver = SWIFT_DRIVER
    object_size_option = 'backup_swift_object_size'
    sha_block_size_option = 'backup_swift_block_size'

    def connection_options(self, args):
        # swiftclient logs every request at INFO (as curl command lines)
        logging.getLogger('swiftclient').setLevel(
            logging.DEBUG if args.verbose else logging.WARNING)
        key = os.environ.get('CINDER_SWIFT_KEY') or os.environ.get('SWIFT_KEY')
        if not args.auth_url or not args.user or not key:
            raise HarnessError('the Swift connection needs --auth-url (or $SWIFT_AUTH_URL), '
                               '--user (or $SWIFT_USER) and the key in $CINDER_SWIFT_KEY or '
                               '$SWIFT_KEY')
        return {
            'backup_swift_auth': 'single_user',
            'backup_swift_auth_version': '1',
            'backup_swift_auth_url': args.auth_url,
            'backup_swift_user': args.user,
            'backup_swift_key': key,
            'backup_swift_container': args.swift_container,
            'backup_swift_retry_attempts': args.retry_attempts,
            'backup_swift_retry_backoff': args.retry_backoff,
            'backup_swift_enable_progress_timer': False,
        }

    def add_connection_arguments(self, parser, command):
        parser.add_argument('--auth-url', default=os.environ.get('SWIFT_AUTH_URL'))
        parser.add_argument('--user', default=os.environ.get('SWIFT_USER'))
        parser.add_argument('--swift-container', default=None,
                            help='backup_swift_container (default volumebackups)')
        parser.add_argument('--retry-attempts', type=int)
        parser.add_argument('--retry-backoff', type=int)


main = SwiftHarness().main

if __name__ == '__main__':
    sys.exit(main())
