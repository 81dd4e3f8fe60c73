#!/usr/bin/python3
"""Drive Cinder's real Swift backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.swift.SwiftBackupDriver (python-swiftclient, and so the
real cinder.backup.chunkeddriver code) from Debian's python3-cinder against a real
Swift, with `backup_swift_auth = single_user` and v1 auth (tempauth). Everything
else - the in-memory stand-in for cinder.db, record export/import through Cinder's
own BackupManager code, the chain walk on restore - is cinder_posix.py's, with the
driver swapped (see use_swift_driver).

Subcommands and their JSON output are cinder_posix.py's (backup, restore,
export-record, import-record) plus `delete`; instead of --posix-path they take the
Swift connection:

  --auth-url URL      backup_swift_auth_url (default $SWIFT_AUTH_URL)
  --user USER         backup_swift_user     (default $SWIFT_USER)
  --swift-container C backup_swift_container (default volumebackups)
  the key             backup_swift_key from $CINDER_SWIFT_KEY, else $SWIFT_KEY:
                      never on the command line
  --object-size N     backup_swift_object_size (default 52428800)
  --sha-block-size N  backup_swift_block_size  (default 32768)
  --retry-attempts N, --retry-backoff S   backup_swift_retry_attempts/_backoff

  delete (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
      -> {"deleted": id, "objects_before": n}: Cinder's driver deletes the backup's
         objects (one backup, not its chain).
"""

import argparse
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cinder_posix as base  # noqa: E402

SWIFT_DRIVER = 'cinder.backup.drivers.swift.SwiftBackupDriver'


def make_swift_driver(context, db):
    from cinder.backup.drivers import swift
    driver = swift.SwiftBackupDriver(context)  # context has a user: connects (lazily)
    driver.db = db
    driver.backup_meta_api.db = db
    return driver


def use_swift_driver():
    """cinder_posix's operations with the Swift driver: its module globals name the
    driver class (rows' `service`, backup_driver, what the manager stand-in
    instantiates) and are looked up at call time."""
    base.POSIX_DRIVER = SWIFT_DRIVER
    base.make_driver = make_swift_driver


def load_cinder(args):
    conf = base.load_cinder(args)
    from cinder.backup.drivers import swift  # noqa: F401  registers backup_swift_*
    import logging
    # swiftclient logs every request at INFO (as curl command lines)
    logging.getLogger('swiftclient').setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    key = os.environ.get('CINDER_SWIFT_KEY') or os.environ.get('SWIFT_KEY')
    if not args.auth_url or not args.user or not key:
        raise base.HarnessError('the Swift connection needs --auth-url (or $SWIFT_AUTH_URL), '
                                '--user (or $SWIFT_USER) and the key in $CINDER_SWIFT_KEY or '
                                '$SWIFT_KEY')
    overrides = {
        'backup_swift_auth': 'single_user',
        'backup_swift_auth_version': '1',
        'backup_swift_auth_url': args.auth_url,
        'backup_swift_user': args.user,
        'backup_swift_key': key,
        'backup_swift_container': args.swift_container,
        'backup_swift_object_size': getattr(args, 'object_size', None),
        'backup_swift_block_size': getattr(args, 'sha_block_size', None),
        'backup_swift_retry_attempts': args.retry_attempts,
        'backup_swift_retry_backoff': args.retry_backoff,
        'backup_swift_enable_progress_timer': False,
    }
    for name, value in overrides.items():
        if value is None:
            conf.clear_override(name)
        else:
            conf.set_override(name, value)
    return conf


def cmd_delete(conf, args, db):
    from cinder import objects
    context = base.admin_context()
    backup_id = base.load_rows(db, args, context, conf)
    backup = objects.Backup.get_by_id(context, backup_id)
    driver = make_swift_driver(context, db)
    before = len(driver._generate_object_names(backup))
    driver.delete_backup(backup)
    return {'deleted': backup_id, 'objects_before': before}


def add_connection_options(parser):
    parser.add_argument('--auth-url', default=os.environ.get('SWIFT_AUTH_URL'))
    parser.add_argument('--user', default=os.environ.get('SWIFT_USER'))
    parser.add_argument('--swift-container', default=None,
                        help='backup_swift_container (default volumebackups)')
    parser.add_argument('--retry-attempts', type=int)
    parser.add_argument('--retry-backoff', type=int)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-v', '--verbose', action='store_true', help="Cinder's debug log on stderr")
    sub = parser.add_subparsers(dest='command', required=True)

    b = sub.add_parser('backup', help="back up a volume file with Cinder's SwiftBackupDriver")
    b.add_argument('--volume-file', required=True)
    b.add_argument('--volume-id', required=True)
    b.add_argument('--backup-id', default=None)
    b.add_argument('--parent-id')
    b.add_argument('--parent-container')
    b.add_argument('--parent-prefix')
    b.add_argument('--parent-size', type=int, help='parent size in GiB (default: the volume size)')
    b.add_argument('--incremental', action='store_true', help='with --db: parent chosen like Cinder')
    b.add_argument('--compression', help='backup_compression_algorithm (default zlib)')
    b.add_argument('--object-size', type=int, help='backup_swift_object_size (default 52428800)')
    b.add_argument('--sha-block-size', type=int, help='backup_swift_block_size (default 32768)')
    b.add_argument('--container', help="the backup's container (default backup_swift_container)")
    b.add_argument('--name')
    b.add_argument('--description')
    b.add_argument('--volume-name', default='interop-volume')
    b.add_argument('--db')

    r = sub.add_parser('restore', help='restore a backup (and its chain) into a file')
    r.add_argument('--volume-file', required=True, help='target file (opened wb, like Cinder)')
    r.add_argument('--target-volume-id', default='11111111-2222-3333-4444-555555555555')

    e = sub.add_parser('export-record', help='backup_service + backup_url like cinder backup-export')
    d = sub.add_parser('delete', help="delete one backup's objects with Cinder's driver")
    for p in (r, e, d):
        p.add_argument('--backup', help='JSON row or list of rows (inline, file or -)')
        p.add_argument('--record', action='append', help='backup-export output (repeatable)')
        p.add_argument('--backup-id')
        p.add_argument('--db')

    i = sub.add_parser('import-record', help='import a record like cinder backup-import')
    i.add_argument('--record', action='append', required=True)
    i.add_argument('--db')
    for p in (b, r, e, d, i):
        add_connection_options(p)

    args = parser.parse_args(argv)
    if args.command == 'backup' and not args.backup_id:
        args.backup_id = str(uuid.uuid4())
    use_swift_driver()
    try:
        conf = load_cinder(args)
        db = base.FakeDB()
        base.install_db(db)
        handler = {'backup': base.cmd_backup, 'restore': base.cmd_restore,
                   'export-record': base.cmd_export_record,
                   'import-record': base.cmd_import_record, 'delete': cmd_delete}
        started = time.monotonic()
        result = handler[args.command](conf, args, db)
        if isinstance(result, dict):
            result.setdefault('seconds', round(time.monotonic() - started, 3))
    except base.HarnessError as e:
        print('cinder_swift: %s' % e, file=sys.stderr)
        return 1
    except OSError as e:
        print('cinder_swift: %s' % e, file=sys.stderr)
        return 1
    except Exception as e:  # Cinder's and swiftclient's own errors: show where, plainly
        import traceback
        traceback.print_exc()
        print('cinder_swift: %s: %s' % (type(e).__name__, e), file=sys.stderr)
        return 1
    import json
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
