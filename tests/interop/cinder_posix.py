#!/usr/bin/python3
"""Drive Cinder's real POSIX backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.posix.PosixBackupDriver (and so the real
cinder.backup.chunkeddriver code: object layout, compression, SHA lists,
incremental extents, restore chain walk) from Debian's python3-cinder. Only the
database is replaced: an in-memory stand-in for the few cinder.db functions the
Backup object, the driver and the volume-metadata code call. Record export and
import run the real BackupManager.export_record / import_record and
backup.API._get_import_backup on top of that stand-in.

Subcommands (JSON on stdout, errors on stderr with exit status 1):

  backup --volume-file F --volume-id V --backup-id B --posix-path DIR
         [--parent-id P --parent-container C --parent-prefix X]
         [--compression zlib] [--object-size N] [--sha-block-size N]
         [--container C] [--name N] [--description D] [--db STATE.json]
      -> {"id", "volume_id", "container", "service_metadata", "object_count",
          "parent_id", "size", "created_at", "data_timestamp", ...}
  restore --volume-file TARGET --posix-path DIR
          (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
      JSON: one backup row or a list of rows (the chain), as Cinder's DB has them:
      id, container, service_metadata, parent_id, volume_id, size (+ optional
      created_at...). RECORD: `backup-export` output (JSON with backup_service and
      backup_url, optionally under "backup-record", or "SERVICE URL" text, or a file
      holding either); each is imported exactly like `cinder backup-import` would.
      Restores the last (or --backup-id) backup through its whole chain.
  export-record (--backup JSON | --db STATE.json) [--backup-id B]
      -> {"backup_service": ..., "backup_url": ...} like `cinder backup-export`.
  import-record --record RECORD [--db STATE.json]
      -> the row Cinder's import stores (validation errors like Cinder's).

--db keeps the rows between calls like Cinder's database: `backup` with --db and no
--parent-id picks the parent the way Cinder's API does for --incremental when
--incremental is given.
"""

import argparse
import binascii
import datetime
import json
import math
import os
import sys
import time
import uuid
import warnings

# oslo.versionedobjects warns about every non-UUID id; callers may use any id
warnings.filterwarnings('ignore', category=FutureWarning)

GiB = 1024 ** 3
POSIX_DRIVER = 'cinder.backup.drivers.posix.PosixBackupDriver'


class HarnessError(Exception):
    """A usage or input problem, reported without a traceback."""


# --------------------------------------------------------------------------
# Cinder set-up: config, objects, and the in-memory database stand-in

_CONF = None


def load_cinder(args):
    """Cinder's configuration with this run's overrides; importable and re-entrant,
    so a test can call main() many times in one process."""
    global _CONF
    from oslo_config import cfg
    if _CONF is None:
        from oslo_log import log as logging
        # cinder.common.config registers the global options (state_path,
        # storage_availability_zone ...); the backup modules their own
        import cinder.common.config  # noqa: F401
        from cinder import objects
        objects.register_all()
        logging.register_options(cfg.CONF)
        cfg.CONF([], project='cinder', default_config_files=[])
        logging.set_defaults(default_log_levels=['cinder=DEBUG' if args.verbose else 'cinder=WARNING',
                                                 'oslo_service=WARNING'])
        cfg.CONF.set_override('debug', bool(args.verbose))
        logging.setup(cfg.CONF, 'cinder')
        from cinder.backup.drivers import posix  # noqa: F401
        import cinder.backup.chunkeddriver  # noqa: F401
        import cinder.backup.manager  # noqa: F401  registers backup_driver
        _CONF = cfg.CONF
    conf = _CONF
    conf.set_override('backup_driver', POSIX_DRIVER)
    conf.set_override('backup_enable_progress_timer', False)
    overrides = {
        'backup_posix_path': os.path.abspath(args.posix_path) if getattr(args, 'posix_path', None) else None,
        'backup_compression_algorithm': getattr(args, 'compression', None),
        'backup_file_size': getattr(args, 'object_size', None),
        'backup_sha_block_size_bytes': getattr(args, 'sha_block_size', None),
    }
    for name, value in overrides.items():
        if value is None:
            conf.clear_override(name)
        else:
            conf.set_override(name, value)
    return conf


def utcnow():
    # Cinder's MySQL columns hold whole seconds; keep created_at the same
    return datetime.datetime.utcnow().replace(microsecond=0)


class VolumeRow(dict):
    """A volumes row: the metadata code iterates it as (key, value) pairs like a
    SQLAlchemy model and also indexes it."""

    def __iter__(self):
        return iter(list(self.items()))


class FakeDB:
    """The cinder.db functions the driver, Backup objects and BackupMetadataAPI call."""

    def __init__(self):
        self.backups = {}
        self.volumes = {}
        self.volume_metadata = {}

    # -- backups
    def _row(self, backup_id):
        from cinder import exception
        if backup_id not in self.backups:
            raise exception.BackupNotFound(backup_id=backup_id)
        row = dict(self.backups[backup_id])
        row['backup_metadata'] = [{'key': k, 'value': v}
                                  for k, v in (row.get('metadata') or {}).items()]
        return row

    def get_by_id(self, context, model, id, *args, **kwargs):
        if model.__name__ != 'Backup':
            raise NotImplementedError('stand-in DB has no %s rows' % model.__name__)
        return self._row(id)

    def backup_get(self, context, backup_id, *args, **kwargs):
        return self._row(backup_id)

    def backup_create(self, context, values):
        values = dict(values)
        values.setdefault('id', str(uuid.uuid4()))
        values.setdefault('created_at', utcnow())
        values.setdefault('deleted', False)
        self.backups[values['id']] = values
        return self._row(values['id'])

    def backup_update(self, context, backup_id, values):
        self.backups[backup_id].update(values)
        return self._row(backup_id)

    def backup_metadata_update(self, context, backup_id, metadata, delete):
        row = self.backups[backup_id]
        current = {} if delete else dict(row.get('metadata') or {})
        current.update(metadata or {})
        row['metadata'] = current
        return current

    def backup_destroy(self, context, backup_id):
        row = self.backups[backup_id]
        row.update({'status': 'deleted', 'deleted': True, 'deleted_at': utcnow()})
        return {'status': 'deleted', 'deleted': True, 'deleted_at': row['deleted_at']}

    # -- volumes
    def volume_get(self, context, volume_id):
        from cinder import exception
        if volume_id not in self.volumes:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return VolumeRow(self.volumes[volume_id])

    def volume_update(self, context, volume_id, values):
        self.volumes.setdefault(volume_id, {'id': volume_id}).update(values)

    def volume_metadata_get(self, context, volume_id):
        return dict(self.volume_metadata.get(volume_id, {}))

    def volume_metadata_update(self, context, volume_id, metadata, delete, *args, **kwargs):
        current = {} if delete else dict(self.volume_metadata.get(volume_id, {}))
        current.update(metadata)
        self.volume_metadata[volume_id] = current
        return current

    def volume_glance_metadata_get(self, context, volume_id):
        from cinder import exception
        raise exception.GlanceMetadataNotFound(id=volume_id)

    def volume_glance_metadata_delete_by_volume(self, context, volume_id):
        pass

    def volume_glance_metadata_create(self, context, volume_id, key, value):
        pass


class QuotaStandIn:
    """backup.API._get_import_backup reserves quota; there is none to keep here."""

    def reserve(self, context, **kwargs):
        return None

    def commit(self, context, reservations, **kwargs):
        pass

    def rollback(self, context, reservations, **kwargs):
        pass


def install_db(db):
    import cinder.db
    for name in ('get_by_id', 'backup_get', 'backup_create', 'backup_update',
                 'backup_metadata_update', 'backup_destroy', 'volume_get', 'volume_update',
                 'volume_metadata_get', 'volume_metadata_update', 'volume_glance_metadata_get',
                 'volume_glance_metadata_delete_by_volume', 'volume_glance_metadata_create'):
        setattr(cinder.db, name, getattr(db, name))
    # cinder.db.base.Base.__init__ disposes the SQL engine of a forked process
    cinder.db.dispose_engine = lambda: None
    # progress notifications need a message bus; there is none
    from cinder.volume import volume_utils
    volume_utils.notify_about_backup_usage = lambda *args, **kwargs: None
    import cinder.backup.api
    cinder.backup.api.QUOTAS = QuotaStandIn()


def admin_context():
    from cinder import context
    return context.RequestContext('ember-interop-user', 'ember-interop-project', is_admin=True)


def make_driver(context, db):
    from cinder.backup.drivers import posix
    driver = posix.PosixBackupDriver(context)
    driver.db = db
    driver.backup_meta_api.db = db
    return driver


class ManagerStandIn:
    """Just enough of cinder.backup.manager.BackupManager to run its own
    export_record/import_record/_is_our_backup methods."""

    def __init__(self, conf, context, db):
        from cinder.backup import manager
        self.driver_name = conf.backup_driver
        self.az = conf.storage_availability_zone
        self.host = 'ember-interop'
        self.service = lambda ctx: make_driver(ctx, db)
        self.backup_rpcapi = None  # only used to forward to other hosts: there are none
        cls = manager.BackupManager
        self._is_our_backup = cls._is_our_backup.__get__(self)
        self.export_record = cls.export_record.__get__(self)
        self.import_record = cls.import_record.__get__(self)


# --------------------------------------------------------------------------
# rows in and out

ROW_KEYS = ('id', 'volume_id', 'container', 'service_metadata', 'parent_id', 'size',
            'object_count', 'status', 'display_name', 'display_description',
            'num_dependent_backups', 'service', 'created_at', 'data_timestamp',
            'availability_zone', 'host', 'snapshot_id')


def to_json_value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime('%Y-%m-%dT%H:%M:%SZ')
    return value


def parse_time(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    from oslo_utils import timeutils
    parsed = timeutils.parse_isotime(value)
    return timeutils.normalize_time(parsed)


def row_to_json(row):
    return {k: to_json_value(row.get(k)) for k in ROW_KEYS if k in row}


def row_from_json(obj):
    """A DB row from what a caller passes (the columns Cinder stores)."""
    for key in ('id', 'container', 'service_metadata'):
        if not obj.get(key):
            raise HarnessError('backup row %s lacks "%s"' % (json.dumps(obj)[:200], key))
    row = {
        'id': obj['id'],
        'user_id': obj.get('user_id') or 'ember-interop-user',
        'project_id': obj.get('project_id') or 'ember-interop-project',
        'volume_id': obj.get('volume_id') or '00000000-0000-0000-0000-000000000000',
        'container': obj['container'],
        'service_metadata': obj['service_metadata'],
        'parent_id': obj.get('parent_id'),
        'size': int(obj.get('size') or 1),
        'object_count': int(obj.get('object_count') or 0),
        'status': obj.get('status') or 'available',
        'display_name': obj.get('display_name'),
        'display_description': obj.get('display_description'),
        'num_dependent_backups': int(obj.get('num_dependent_backups') or 0),
        'service': obj.get('service') or POSIX_DRIVER,
        'availability_zone': obj.get('availability_zone'),
        'host': obj.get('host'),
        'deleted': False,
        'metadata': obj.get('metadata') or {},
    }
    for key in ('created_at', 'data_timestamp', 'updated_at'):
        row[key] = parse_time(obj.get(key))
    if row['created_at'] is None:
        row['created_at'] = utcnow()
    if row['data_timestamp'] is None:
        row['data_timestamp'] = row['created_at']
    return row


def load_json_arg(text):
    """JSON given inline or as a file name (or '-' for stdin)."""
    if text == '-':
        text = sys.stdin.read()
    elif not text.lstrip().startswith(('{', '[')) and os.path.exists(text):
        with open(text, encoding='utf-8') as f:
            text = f.read()
    try:
        return json.loads(text)
    except ValueError as e:
        raise HarnessError('not valid JSON (%s): %.200s' % (e, text))


def load_db(db, path):
    if path and os.path.exists(path):
        with open(path, encoding='utf-8') as f:
            state = json.load(f)
        for obj in state.get('backups', []):
            db.backups[obj['id']] = row_from_json(obj)
            db.backups[obj['id']]['status'] = obj.get('status') or 'available'


def save_db(db, path):
    if not path:
        return
    rows = []
    for row in db.backups.values():  # creation order
        out = row_to_json(row)
        out['metadata'] = row.get('metadata') or {}
        rows.append(out)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump({'backups': rows}, f, indent=1)
    os.replace(tmp, path)


def parse_records(values):
    """(backup_service, backup_url) pairs from --record arguments."""
    records = []
    for value in values:
        text = value
        if value == '-':
            text = sys.stdin.read()
        elif os.path.exists(value):
            with open(value, encoding='utf-8') as f:
                text = f.read()
        text = text.strip()
        items = None
        if text.startswith(('{', '[')):
            try:
                obj = json.loads(text)
            except ValueError as e:
                raise HarnessError('record is not valid JSON: %s' % e)
            items = obj if isinstance(obj, list) else [obj]
            for item in items:
                if 'backup-record' in item:
                    item = item['backup-record']
                if 'backup_service' not in item or 'backup_url' not in item:
                    raise HarnessError('record JSON needs backup_service and backup_url: %.200s' % text)
                records.append((item['backup_service'], item['backup_url']))
        else:
            parts = text.split()
            if len(parts) != 2:
                raise HarnessError('record text must be "BACKUP_SERVICE BACKUP_URL", got %.200s' % text)
            records.append((parts[0], parts[1]))
    return records


# --------------------------------------------------------------------------
# operations

def import_records(conf, context, db, records):
    """What `cinder backup-import SERVICE URL` does, per record, with Cinder's code."""
    from cinder.backup import api as backup_api
    from cinder import exception
    manager = ManagerStandIn(conf, context, db)
    imported = []
    for backup_service, backup_url in records:
        try:
            backup = backup_api.API._get_import_backup(None, context, backup_url)
            manager.import_record(context, backup, backup_service, backup_url, [])
        except (exception.CinderException, ValueError, binascii.Error) as e:
            raise HarnessError('Cinder refused the record (%s): %s' % (type(e).__name__, e))
        imported.append(backup.id)
    return imported


def cmd_backup(conf, args, db):
    from cinder import objects
    from cinder.objects import fields
    from eventlet import tpool
    context = admin_context()
    load_db(db, args.db)

    size_bytes = os.path.getsize(args.volume_file)
    if size_bytes == 0:
        raise HarnessError('volume file %s is empty' % args.volume_file)
    size_gib = max(1, math.ceil(size_bytes / GiB))
    db.volumes[args.volume_id] = {
        'id': args.volume_id, 'size': size_gib, 'display_name': args.volume_name,
        'display_description': None, 'status': 'backing-up', 'volume_type_id': None,
        'encryption_key_id': None, 'bootable': False, 'availability_zone': 'nova',
    }

    parent_id = args.parent_id
    if args.parent_id:
        if args.parent_id not in db.backups:
            if not (args.parent_container and args.parent_prefix):
                raise HarnessError('--parent-id %s is not in the DB: give --parent-container '
                                   'and --parent-prefix too' % args.parent_id)
            db.backups[args.parent_id] = row_from_json({
                'id': args.parent_id, 'volume_id': args.volume_id, 'container': args.parent_container,
                'service_metadata': args.parent_prefix, 'size': args.parent_size or size_gib})
    elif args.incremental:
        # Cinder's API: the newest (by data_timestamp) backup of the volume
        candidates = [r for r in db.backups.values()
                      if r['volume_id'] == args.volume_id and not r.get('deleted')]
        if not candidates:
            raise HarnessError('No backups available to do an incremental backup.')
        # rows are kept in creation order: the later one wins a tie in whole seconds
        order = {backup_id: n for n, backup_id in enumerate(db.backups)}
        parent = max(candidates, key=lambda r: (r['data_timestamp'], order[r['id']]))
        if parent['status'] != 'available':
            raise HarnessError('The parent backup must be available for incremental backup.')
        parent_id = parent['id']

    # the row the API creates, then the manager's driver call and bookkeeping
    created_at = utcnow()
    db.backup_create(context, {
        'id': args.backup_id, 'user_id': context.user_id, 'project_id': context.project_id,
        'volume_id': args.volume_id, 'status': fields.BackupStatus.CREATING,
        'container': args.container, 'parent_id': parent_id, 'size': size_gib,
        'display_name': args.name, 'display_description': args.description,
        'object_count': 0, 'service': POSIX_DRIVER, 'host': 'ember-interop',
        'availability_zone': conf.storage_availability_zone, 'metadata': {},
        'created_at': created_at, 'data_timestamp': created_at})
    backup = objects.Backup.get_by_id(context, args.backup_id)

    driver = make_driver(context, db)
    started = time.monotonic()
    with open(args.volume_file, 'rb') as device_file:
        driver.backup(backup, tpool.Proxy(device_file))
    driver_seconds = time.monotonic() - started

    backup.refresh()
    backup.status = fields.BackupStatus.AVAILABLE
    backup.save()
    if parent_id:
        parent = objects.Backup.get_by_id(context, parent_id)
        parent.num_dependent_backups += 1
        parent.save()
    save_db(db, args.db)
    result = row_to_json(db.backups[backup.id])
    result['driver_seconds'] = round(driver_seconds, 3)
    return result


def load_rows(db, args, context, conf):
    load_db(db, getattr(args, 'db', None))
    order = []
    if getattr(args, 'backup', None):
        obj = load_json_arg(args.backup)
        for item in obj if isinstance(obj, list) else [obj]:
            row = row_from_json(item)
            db.backups[row['id']] = row
            order.append(row['id'])
    if getattr(args, 'record', None):
        order += import_records(conf, context, db, parse_records(args.record))
    if not db.backups:
        raise HarnessError('no backup rows: give --backup, --record or --db')
    if args.backup_id:
        if args.backup_id not in db.backups:
            raise HarnessError('backup %s is not among the given rows' % args.backup_id)
        return args.backup_id
    if order:
        return order[-1]
    return list(db.backups)[-1]  # the newest row


def cmd_restore(conf, args, db):
    from cinder import objects
    from cinder.objects import fields
    from eventlet import tpool
    context = admin_context()
    backup_id = load_rows(db, args, context, conf)

    chain, current = [], db.backups[backup_id]
    while True:
        chain.append(current['id'])
        if not current.get('parent_id'):
            break
        if current['parent_id'] not in db.backups:
            raise HarnessError('backup %s needs its parent %s, which is not among the rows'
                               % (current['id'], current['parent_id']))
        current = db.backups[current['parent_id']]

    target_volume_id = args.target_volume_id
    db.volumes[target_volume_id] = {'id': target_volume_id, 'size': db.backups[backup_id]['size'],
                                    'display_name': 'restore_backup_%s' % backup_id,
                                    'display_description': None, 'volume_type_id': None,
                                    'status': 'restoring-backup'}
    backup = objects.Backup.get_by_id(context, backup_id)
    backup.status = fields.BackupStatus.RESTORING
    backup.save()
    driver = make_driver(context, db)
    # the manager opens the target 'wb' on Linux and proxies it to a native thread
    started = time.monotonic()
    with open(args.volume_file, 'wb') as device_file:
        driver.restore(backup, target_volume_id, tpool.Proxy(device_file))
    driver_seconds = time.monotonic() - started
    backup.status = fields.BackupStatus.AVAILABLE
    backup.save()
    save_db(db, getattr(args, 'db', None))
    return {'restored': backup_id, 'chain': list(reversed(chain)),
            'bytes': os.path.getsize(args.volume_file), 'driver_seconds': round(driver_seconds, 3),
            'volume': {k: v for k, v in db.volumes[target_volume_id].items()
                       if k in ('display_name', 'display_description')},
            'volume_metadata': db.volume_metadata.get(target_volume_id, {})}


def cmd_export_record(conf, args, db):
    from cinder import objects
    context = admin_context()
    backup_id = load_rows(db, args, context, conf)
    backup = objects.Backup.get_by_id(context, backup_id)
    manager = ManagerStandIn(conf, context, db)
    from cinder import exception
    try:
        return manager.export_record(context, backup)
    except exception.CinderException as e:
        raise HarnessError('Cinder refused to export: %s' % e)


def cmd_import_record(conf, args, db):
    context = admin_context()
    load_db(db, args.db)
    ids = import_records(conf, context, db, parse_records(args.record))
    save_db(db, args.db)
    rows = [row_to_json(db.backups[i]) for i in ids]
    return rows[0] if len(rows) == 1 else rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-v', '--verbose', action='store_true', help="Cinder's debug log on stderr")
    sub = parser.add_subparsers(dest='command', required=True)

    b = sub.add_parser('backup', help="back up a volume file with Cinder's PosixBackupDriver")
    b.add_argument('--volume-file', required=True)
    b.add_argument('--volume-id', required=True)
    b.add_argument('--backup-id', default=None)
    b.add_argument('--posix-path', required=True)
    b.add_argument('--parent-id')
    b.add_argument('--parent-container')
    b.add_argument('--parent-prefix')
    b.add_argument('--parent-size', type=int, help='parent size in GiB (default: the volume size)')
    b.add_argument('--incremental', action='store_true', help='with --db: parent chosen like Cinder')
    b.add_argument('--compression', help='backup_compression_algorithm (default zlib)')
    b.add_argument('--object-size', type=int, help='backup_file_size (default 1999994880)')
    b.add_argument('--sha-block-size', type=int, help='backup_sha_block_size_bytes (default 32768)')
    b.add_argument('--container', help="the user's container (default <id[0:2]>/<id[2:4]>/<id>)")
    b.add_argument('--name')
    b.add_argument('--description')
    b.add_argument('--volume-name', default='interop-volume')
    b.add_argument('--db')

    r = sub.add_parser('restore', help='restore a backup (and its chain) into a file')
    r.add_argument('--volume-file', required=True, help='target file (opened wb, like Cinder)')
    r.add_argument('--posix-path', required=True)
    r.add_argument('--backup', help='JSON row or list of rows (inline, file or -)')
    r.add_argument('--record', action='append', help='backup-export output (repeatable)')
    r.add_argument('--backup-id')
    r.add_argument('--target-volume-id', default='11111111-2222-3333-4444-555555555555')
    r.add_argument('--db')

    e = sub.add_parser('export-record', help='backup_service + backup_url like cinder backup-export')
    e.add_argument('--backup')
    e.add_argument('--backup-id')
    e.add_argument('--db')
    e.add_argument('--posix-path')

    i = sub.add_parser('import-record', help='import a record like cinder backup-import')
    i.add_argument('--record', action='append', required=True)
    i.add_argument('--db')
    i.add_argument('--posix-path')

    args = parser.parse_args(argv)
    if args.command == 'backup' and not args.backup_id:
        args.backup_id = str(uuid.uuid4())
    try:
        conf = load_cinder(args)
        db = FakeDB()
        install_db(db)
        handler = {'backup': cmd_backup, 'restore': cmd_restore,
                   'export-record': cmd_export_record, 'import-record': cmd_import_record}
        result = handler[args.command](conf, args, db)
    except HarnessError as e:
        print('cinder_posix: %s' % e, file=sys.stderr)
        return 1
    except OSError as e:
        print('cinder_posix: %s' % e, file=sys.stderr)
        return 1
    except Exception as e:  # Cinder's own errors: show where, plainly
        import traceback
        traceback.print_exc()
        print('cinder_posix: %s: %s' % (type(e).__name__, e), file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
