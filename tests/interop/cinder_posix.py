#!/usr/bin/python3
"""Drive Cinder's real POSIX backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.posix.PosixBackupDriver (and so the real
cinder.backup.chunkeddriver code: object layout, compression, SHA lists,
incremental extents, restore chain walk) from Debian's python3-cinder, on the
shared base in cinder_harness.py (the database stand-in, record export/import
through Cinder's own BackupManager code).

Subcommands (JSON on stdout, errors on stderr with exit status 1) are the shared
base's (see cinder_harness.py: backup, restore, export-record, import-record, delete),
with these options of the POSIX driver:

  backup --volume-file F --volume-id V --posix-path DIR [--backup-id B]
         [--parent-id P [--parent-container C --parent-prefix X] | --incremental]
         [--compression zlib] [--object-size N] [--sha-block-size N] [--db STATE.json]
      --object-size: backup_file_size, --sha-block-size: backup_sha_block_size_bytes
  restore --volume-file TARGET --posix-path DIR
          (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cinder_harness import Harness  # noqa: E402

POSIX_DRIVER = 'cinder.backup.drivers.posix.PosixBackupDriver'


class ChunkedHarness(Harness):
    """A driver on Cinder's chunkeddriver: volume files, compression, object and SHA
    block sizes, parents given by container and prefix. Subclasses name the options
    the sizes set and extend connection_options() / add_connection_arguments()."""

    object_size_option = 'backup_file_size'
    sha_block_size_option = 'backup_sha_block_size_bytes'

    def connection_options(self, args):
        """cinder.conf overrides for where the backups go."""
        return {}

    def add_connection_arguments(self, parser, command):
        """Where the backups go, on the parser of `command`."""

    def options(self, args):
        overrides = super().options(args)
        overrides[self.object_size_option] = getattr(args, 'object_size', None)
        overrides[self.sha_block_size_option] = getattr(args, 'sha_block_size', None)
        overrides.update(self.connection_options(args))
        return overrides

    def add_arguments(self, commands):
        super().add_arguments(commands)
        b = commands['backup']
        b.add_argument('--parent-container')
        b.add_argument('--parent-prefix')
        b.add_argument('--parent-size', type=int,
                       help='parent size in GiB (default: the volume size)')
        b.add_argument('--compression', help='backup_compression_algorithm (default zlib)')
        b.add_argument('--object-size', type=int, help=self.object_size_option)
        b.add_argument('--sha-block-size', type=int, help=self.sha_block_size_option)
        for command, parser in commands.items():
            self.add_connection_arguments(parser, command)


class PosixHarness(ChunkedHarness):
    prog = 'cinder_posix'
    description = __doc__.split('\n\n')[0]
    driver = POSIX_DRIVER

    def connection_options(self, args):
        posix_path = getattr(args, 'posix_path', None)
        return {'backup_enable_progress_timer': False,
                'backup_posix_path': os.path.abspath(posix_path) if posix_path else None}

    def add_connection_arguments(self, parser, command):
        parser.add_argument('--posix-path', required=command in ('backup', 'restore'))


main = PosixHarness().main

if __name__ == '__main__':
    sys.exit(main())
