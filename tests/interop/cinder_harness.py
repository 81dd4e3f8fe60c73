"""The shared base of the Cinder harnesses (cinder_posix.py, cinder_swift.py,
cinder_ceph.py): each drives one of Cinder's real backup drivers outside a Cinder
deployment. Only the database is replaced: an in-memory stand-in for the few cinder.db
functions the Backup object, the driver and the volume-metadata code call. Record
export and import run the real BackupManager.export_record / import_record and
backup.API._get_import_backup on top of that stand-in.

A harness is a Harness subclass naming its driver class, the cinder.conf options its
arguments set, and what it backs up from and restores into (files by default, like
cinder-backup with a local volume). Subcommands (JSON on stdout, errors on stderr with
exit status 1):

  backup --volume-id V [--backup-id B] [--parent-id P | --incremental] [--db STATE.json]
         [--container C] [--name N] [--description D] [--volume-name N]
      -> {"id", "volume_id", "container", "service_metadata", "object_count",
          "parent_id", "size", "created_at", "data_timestamp", "driver_seconds", ...}
  restore --volume-file TARGET [--target-volume-id T]
          (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
      JSON: one backup row or a list of rows (the chain), as Cinder's DB has them:
      id, container, service_metadata, parent_id, volume_id, size (+ optional
      created_at...). RECORD: `backup-export` output (JSON with backup_service and
      backup_url, optionally under "backup-record", or "SERVICE URL" text, or a file
      holding either); each is imported exactly like `cinder backup-import` would.
      Restores the last (or --backup-id) backup through its whole chain.
  export-record (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
      -> {"backup_service": ..., "backup_url": ...} like `cinder backup-export`.
  import-record --record RECORD [--db STATE.json]
      -> the row Cinder's import stores (validation errors like Cinder's).
  delete (--backup JSON | --record RECORD... | --db STATE.json) [--backup-id B]
      -> {"deleted": id}: Cinder's driver deletes one backup (not its chain); for
         chunked drivers also "objects_before", the backup's object count.

--db keeps the rows between calls like Cinder's database: `backup` with --db and no
--parent-id picks the parent the way Cinder's API does for --incremental when
--incremental is given.
"""

import argparse
import binascii
import contextlib
import datetime
import importlib
import json
import math
import os
import sys
import time
import types
import uuid
import warnings

# oslo.versionedobjects warns about every non-UUID id; callers may use any id
warnings.filterwarnings('ignore', category=FutureWarning)

GiB = 1024 ** 3
TARGET_VOLUME_ID = '11111111-2222-3333-4444-555555555555'


class HarnessError(Exception):
    """A usage or input problem, reported without a traceback."""


# --------------------------------------------------------------------------
# Cinder set-up: config, objects, and the in-memory database stand-in

_CONF = None


def cinder_conf(verbose):
    """Cinder's global configuration, set up once per process (a test can call a
    harness's main() many times in one process)."""
    global _CONF
    if _CONF is None:
        from oslo_config import cfg
        from oslo_log import log as logging
        # cinder.common.config registers the global options (state_path,
        # storage_availability_zone ...); the backup modules their own
        import cinder.common.config  # noqa: F401
        from cinder import objects
        objects.register_all()
        logging.register_options(cfg.CONF)
        cfg.CONF([], project='cinder', default_config_files=[])
        logging.set_defaults(default_log_levels=['cinder=DEBUG' if verbose else 'cinder=WARNING',
                                                 'oslo_service=WARNING'])
        cfg.CONF.set_override('debug', bool(verbose))
        logging.setup(cfg.CONF, 'cinder')
        import cinder.backup.chunkeddriver  # noqa: F401  backup_compression_algorithm
        import cinder.backup.manager  # noqa: F401  registers backup_driver
        _CONF = cfg.CONF
    return _CONF


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

    volume_row = VolumeRow

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
        return self.volume_row(self.volumes[volume_id])

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


class ManagerStandIn:
    """Just enough of cinder.backup.manager.BackupManager to run its own
    export_record/import_record/_is_our_backup methods."""

    def __init__(self, conf, db, make_driver):
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


def row_from_json(obj, service):
    """A DB row from what a caller passes (the columns Cinder stores); `service`
    is the driver a row without one was made by."""
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
        'service': obj.get('service') or service,
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
                    raise HarnessError('record JSON needs backup_service and backup_url: %.200s'
                                       % text)
                records.append((item['backup_service'], item['backup_url']))
        else:
            parts = text.split()
            if len(parts) != 2:
                raise HarnessError('record text must be "BACKUP_SERVICE BACKUP_URL", got %.200s'
                                   % text)
            records.append((parts[0], parts[1]))
    return records


def restore_chain(db, backup_id):
    """The ids from the full backup to `backup_id`; every row must be in the DB."""
    chain, current = [], db.backups[backup_id]
    while True:
        chain.append(current['id'])
        if not current.get('parent_id'):
            break
        if current['parent_id'] not in db.backups:
            raise HarnessError('backup %s needs its parent %s, which is not among the rows'
                               % (current['id'], current['parent_id']))
        current = db.backups[current['parent_id']]
    return list(reversed(chain))


# --------------------------------------------------------------------------
# the harness: one driver class, its options, its volumes

class Harness:
    """Cinder's backup, restore, export, import and delete for one driver class.

    Subclasses set `prog`, `description` and `driver` (the backup_driver path) and
    extend options() (cinder.conf overrides from the arguments), add_arguments()
    and, for volumes other than files, backup_source() / restore_target()."""

    prog = 'cinder_harness'
    description = 'Drive one of Cinder\'s backup drivers outside a Cinder deployment.'
    driver = None
    db_class = FakeDB

    # -- Cinder
    def options(self, args):
        """cinder.conf overrides from the arguments; None clears an option."""
        return {'backup_compression_algorithm': getattr(args, 'compression', None)}

    def load_cinder(self, args):
        """Cinder's configuration with this run's overrides; re-entrant."""
        conf = cinder_conf(args.verbose)
        importlib.import_module(self.driver.rsplit('.', 1)[0])  # registers its options
        conf.set_override('backup_driver', self.driver)
        for name, value in self.options(args).items():
            if value is None:
                conf.clear_override(name)
            else:
                conf.set_override(name, value)
        return conf

    def make_driver(self, context, db):
        module, name = self.driver.rsplit('.', 1)
        driver = getattr(importlib.import_module(module), name)(context)
        driver.db = db
        driver.backup_meta_api.db = db
        return driver

    # -- volumes: files, opened the way cinder-backup opens a local volume
    @contextlib.contextmanager
    def backup_source(self, args):
        """Yields (size in bytes, the file object the driver reads)."""
        size_bytes = os.path.getsize(args.volume_file)
        if size_bytes == 0:
            raise HarnessError('volume file %s is empty' % args.volume_file)
        with open(args.volume_file, 'rb') as device_file:
            yield size_bytes, device_file

    @contextlib.contextmanager
    def restore_target(self, args, backup_row):
        """Yields a namespace with size_gib and device (what the driver writes); sets
        its `bytes` (the restored size) once the target is complete."""
        # the manager opens the target 'wb' on Linux and proxies it to a native thread
        target = types.SimpleNamespace(size_gib=backup_row['size'])
        with open(args.volume_file, 'wb') as target.device:
            yield target
        target.bytes = os.path.getsize(args.volume_file)

    # -- rows
    def load_db(self, db, path):
        if path and os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                state = json.load(f)
            for obj in state.get('backups', []):
                db.backups[obj['id']] = row_from_json(obj, self.driver)
                db.backups[obj['id']]['status'] = obj.get('status') or 'available'

    def import_records(self, conf, context, db, records):
        """What `cinder backup-import SERVICE URL` does, per record, with Cinder's code."""
        from cinder.backup import api as backup_api
        from cinder import exception
        manager = ManagerStandIn(conf, db, self.make_driver)
        imported = []
        for backup_service, backup_url in records:
            try:
                backup = backup_api.API._get_import_backup(None, context, backup_url)
                manager.import_record(context, backup, backup_service, backup_url, [])
            except (exception.CinderException, ValueError, binascii.Error) as e:
                raise HarnessError('Cinder refused the record (%s): %s' % (type(e).__name__, e))
            imported.append(backup.id)
        return imported

    def load_rows(self, db, args, context, conf):
        """The rows --db, --backup and --record give; returns the id to work on."""
        self.load_db(db, getattr(args, 'db', None))
        order = []
        if getattr(args, 'backup', None):
            obj = load_json_arg(args.backup)
            for item in obj if isinstance(obj, list) else [obj]:
                row = row_from_json(item, self.driver)
                db.backups[row['id']] = row
                order.append(row['id'])
        if getattr(args, 'record', None):
            order += self.import_records(conf, context, db, parse_records(args.record))
        if not db.backups:
            raise HarnessError('no backup rows: give --backup, --record or --db')
        if args.backup_id:
            if args.backup_id not in db.backups:
                raise HarnessError('backup %s is not among the given rows' % args.backup_id)
            return args.backup_id
        if order:
            return order[-1]
        return list(db.backups)[-1]  # the newest row

    def parent_of(self, args, db, size_gib):
        """The parent's id for a new backup: --parent-id, or with --incremental the one
        Cinder's API picks; None for a full backup."""
        if args.parent_id:
            if args.parent_id not in db.backups:
                if 'parent_container' not in args:
                    raise HarnessError('--parent-id %s is not in the DB' % args.parent_id)
                if not (args.parent_container and args.parent_prefix):
                    raise HarnessError('--parent-id %s is not in the DB: give --parent-container '
                                       'and --parent-prefix too' % args.parent_id)
                db.backups[args.parent_id] = row_from_json({
                    'id': args.parent_id, 'volume_id': args.volume_id,
                    'container': args.parent_container, 'service_metadata': args.parent_prefix,
                    'size': args.parent_size or size_gib}, self.driver)
            return args.parent_id
        if not args.incremental:
            return None
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
        return parent['id']

    # -- subcommands
    def cmd_backup(self, conf, args, db):
        from cinder import objects
        from cinder.objects import fields
        from eventlet import tpool
        context = admin_context()
        self.load_db(db, args.db)

        with self.backup_source(args) as (size_bytes, device):
            size_gib = max(1, math.ceil(size_bytes / GiB))
            db.volumes[args.volume_id] = {
                'id': args.volume_id, 'size': size_gib, 'display_name': args.volume_name,
                'display_description': None, 'status': 'backing-up', 'volume_type_id': None,
                'encryption_key_id': None, 'bootable': False, 'availability_zone': 'nova',
            }
            parent_id = self.parent_of(args, db, size_gib)

            # the row the API creates, then the manager's driver call and bookkeeping
            created_at = utcnow()
            db.backup_create(context, {
                'id': args.backup_id, 'user_id': context.user_id,
                'project_id': context.project_id, 'volume_id': args.volume_id,
                'status': fields.BackupStatus.CREATING, 'container': args.container,
                'parent_id': parent_id, 'size': size_gib, 'display_name': args.name,
                'display_description': args.description, 'object_count': 0,
                'service': self.driver, 'host': 'ember-interop',
                'availability_zone': conf.storage_availability_zone, 'metadata': {},
                'created_at': created_at, 'data_timestamp': created_at})
            backup = objects.Backup.get_by_id(context, args.backup_id)

            driver = self.make_driver(context, db)
            started = time.monotonic()
            updates = driver.backup(backup, tpool.Proxy(device))
            driver_seconds = time.monotonic() - started

        backup.refresh()
        backup.update(updates or {})
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

    def cmd_restore(self, conf, args, db):
        from cinder import objects
        from cinder.objects import fields
        from eventlet import tpool
        context = admin_context()
        backup_id = self.load_rows(db, args, context, conf)
        chain = restore_chain(db, backup_id)

        target_volume_id = args.target_volume_id
        with self.restore_target(args, db.backups[backup_id]) as target:
            db.volumes[target_volume_id] = {
                'id': target_volume_id, 'size': target.size_gib,
                'display_name': 'restore_backup_%s' % backup_id, 'display_description': None,
                'volume_type_id': None, 'status': 'restoring-backup'}
            backup = objects.Backup.get_by_id(context, backup_id)
            backup.status = fields.BackupStatus.RESTORING
            backup.save()
            driver = self.make_driver(context, db)
            started = time.monotonic()
            driver.restore(backup, target_volume_id, tpool.Proxy(target.device))
            driver_seconds = time.monotonic() - started
        backup.status = fields.BackupStatus.AVAILABLE
        backup.save()
        save_db(db, getattr(args, 'db', None))
        return {'restored': backup_id, 'chain': chain,
                'bytes': target.bytes, 'driver_seconds': round(driver_seconds, 3),
                'volume': {k: v for k, v in db.volumes[target_volume_id].items()
                           if k in ('display_name', 'display_description')},
                'volume_metadata': db.volume_metadata.get(target_volume_id, {})}

    def cmd_export_record(self, conf, args, db):
        from cinder import exception
        from cinder import objects
        context = admin_context()
        backup_id = self.load_rows(db, args, context, conf)
        backup = objects.Backup.get_by_id(context, backup_id)
        manager = ManagerStandIn(conf, db, self.make_driver)
        try:
            return manager.export_record(context, backup)
        except exception.CinderException as e:
            raise HarnessError('Cinder refused to export: %s' % e)

    def cmd_import_record(self, conf, args, db):
        context = admin_context()
        self.load_db(db, args.db)
        ids = self.import_records(conf, context, db, parse_records(args.record))
        save_db(db, args.db)
        rows = [row_to_json(db.backups[i]) for i in ids]
        return rows[0] if len(rows) == 1 else rows

    def cmd_delete(self, conf, args, db):
        from cinder import objects
        context = admin_context()
        backup_id = self.load_rows(db, args, context, conf)
        backup = objects.Backup.get_by_id(context, backup_id)
        driver = self.make_driver(context, db)
        result = {'deleted': backup_id}
        if hasattr(driver, '_generate_object_names'):  # chunked drivers
            result['objects_before'] = len(driver._generate_object_names(backup))
        driver.delete_backup(backup)
        return result

    # -- command line
    def add_arguments(self, commands):
        """Adds the driver's own arguments to the subcommands' parsers (a dict by
        command name)."""
        commands['backup'].add_argument('--volume-file', required=True)
        commands['restore'].add_argument('--volume-file', required=True,
                                         help='target file (opened wb, like Cinder)')

    def parser(self):
        driver_class = self.driver.rsplit('.', 1)[1]
        parser = argparse.ArgumentParser(prog=self.prog, description=self.description)
        parser.add_argument('-v', '--verbose', action='store_true',
                            help="Cinder's debug log on stderr")
        sub = parser.add_subparsers(dest='command', required=True)

        b = sub.add_parser('backup', help="back up a volume with Cinder's %s" % driver_class)
        b.add_argument('--volume-id', required=True)
        b.add_argument('--backup-id', default=None)
        b.add_argument('--parent-id')
        b.add_argument('--incremental', action='store_true',
                       help='with --db: parent chosen like Cinder')
        b.add_argument('--container', help="the backup's container (default: the driver's)")
        b.add_argument('--name')
        b.add_argument('--description')
        b.add_argument('--volume-name', default='interop-volume')
        b.add_argument('--db')

        r = sub.add_parser('restore', help='restore a backup (and its chain)')
        r.add_argument('--target-volume-id', default=TARGET_VOLUME_ID)
        e = sub.add_parser('export-record',
                           help='backup_service + backup_url like cinder backup-export')
        d = sub.add_parser('delete', help="delete one backup with Cinder's driver")
        for p in (r, e, d):
            p.add_argument('--backup', help='JSON row or list of rows (inline, file or -)')
            p.add_argument('--record', action='append', help='backup-export output (repeatable)')
            p.add_argument('--backup-id')
            p.add_argument('--db')
        i = sub.add_parser('import-record', help='import a record like cinder backup-import')
        i.add_argument('--record', action='append', required=True)
        i.add_argument('--db')
        self.add_arguments({'backup': b, 'restore': r, 'export-record': e, 'delete': d,
                            'import-record': i})
        return parser

    def main(self, argv=None):
        args = self.parser().parse_args(argv)
        if args.command == 'backup' and not args.backup_id:
            args.backup_id = str(uuid.uuid4())
        try:
            conf = self.load_cinder(args)
            db = self.db_class()
            install_db(db)
            handler = {'backup': self.cmd_backup, 'restore': self.cmd_restore,
                       'export-record': self.cmd_export_record,
                       'import-record': self.cmd_import_record, 'delete': self.cmd_delete}
            started = time.monotonic()
            result = handler[args.command](conf, args, db)
            if isinstance(result, dict):
                result.setdefault('seconds', round(time.monotonic() - started, 3))
        except (HarnessError, OSError) as e:
            print('%s: %s' % (self.prog, e), file=sys.stderr)
            return 1
        except Exception as e:  # Cinder's (and its clients') own errors: show where, plainly
            import traceback
            traceback.print_exc()
            print('%s: %s: %s' % (self.prog, type(e).__name__, e), file=sys.stderr)
            return 1
        json.dump(result, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write('\n')
        return 0
