#!/usr/bin/python3
"""Drive Cinder's real Ceph backup driver outside a Cinder deployment.

Runs cinder.backup.drivers.ceph.CephBackupDriver from Debian's python3-cinder 21.3.1
(python3-rados, python3-rbd, and the `rbd` CLI it pipes export-diff into import-diff
with) against a real cluster. The volume side is what cinder-backup gets from the RBD
volume driver for a Ceph backup service (bug 1578036's fix, reference section 3): the
image `volume-<volume id>` itself, opened with librbd and wrapped in os-brick's real
linuxrbd.RBDVolumeIOWrapper (rbd_image, rbd_user, rbd_pool, rbd_conf), so the driver
takes its RBD paths (_backup_rbd, _diff_restore_rbd / _full_restore). Everything else
- the in-memory stand-in for cinder.db, record export/import through Cinder's own
BackupManager code - is cinder_posix.py's, with the driver swapped.

Connection (both the backup side and the volume side use it, like a cinder.conf with
one cluster): --conf (default $CEPH_CONF) and --user (default $CEPH_BACKUP_CLIENT_ID,
else `backup`); the key comes from the keyring the conf names, never a command line.

  backup --volume-id V [--pool volumes] [--incremental | --parent-id P] [--db F]
         [--container POOL] [--backup-id B]
      Backs up the RBD image POOL/volume-V. -> the backup row (JSON) + driver_seconds.
  restore (--target-volume-id T [--pool volumes] | --volume-file FILE)
          (--backup JSON | --record R... | --db F) [--backup-id B]
      Into the RBD image POOL/volume-T (must exist; differential when it is empty,
      as Cinder decides) or into a file (full copy, Cinder's file path). Cinder 21.3.1
      fails (TypeError in _discard_bytes: it writes str zeros) when the target is longer
      than the backup's image, so images meant for file restores must be whole GiB.
  export-record, import-record, delete   as in cinder_swift.py.
"""

import argparse
import json
import math
import os
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cinder_posix as base  # noqa: E402

CEPH_DRIVER = 'cinder.backup.drivers.ceph.CephBackupDriver'
GiB = 1024 ** 3


class CephVolumeRow(base.VolumeRow):
    """A volumes row the Ceph driver can use like a Volume object: volume.id,
    volume.name (volume-<id>, Cinder's volume_name_template) and volume['size']."""

    def __getattr__(self, name):
        if name == 'name':
            return 'volume-%s' % self['id']
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class CephFakeDB(base.FakeDB):
    def volume_get(self, context, volume_id):
        from cinder import exception
        if volume_id not in self.volumes:
            raise exception.VolumeNotFound(volume_id=volume_id)
        return CephVolumeRow(self.volumes[volume_id])


def make_ceph_driver(context, db):
    from cinder.backup.drivers import ceph
    driver = ceph.CephBackupDriver(context)
    driver.db = db
    driver.backup_meta_api.db = db
    return driver


def use_ceph_driver():
    base.POSIX_DRIVER = CEPH_DRIVER
    base.make_driver = make_ceph_driver


def load_cinder(args):
    conf = base.load_cinder(args)
    from cinder.backup.drivers import ceph  # noqa: F401  registers backup_ceph_*
    if not args.conf or not os.path.exists(args.conf):
        raise base.HarnessError('no Ceph configuration: give --conf or set $CEPH_CONF (got %r)'
                                % args.conf)
    overrides = {
        'backup_ceph_conf': os.path.abspath(args.conf),
        'backup_ceph_user': args.user,
        'backup_ceph_pool': getattr(args, 'backup_pool', None),
        'backup_ceph_chunk_size': getattr(args, 'chunk_size', None),
    }
    for name, value in overrides.items():
        if value is None:
            conf.clear_override(name)
        else:
            conf.set_override(name, value)
    return conf


class RbdVolume:
    """POOL/volume-<id> opened with librbd the way the RBD volume driver hands it
    to cinder-backup: os-brick's RBDVolumeIOWrapper around an rbd.Image."""

    def __init__(self, args, pool, volume_id):
        import rados
        import rbd
        from os_brick.initiator import linuxrbd
        self.cluster = rados.Rados(rados_id=args.user, conffile=os.path.abspath(args.conf))
        self.cluster.connect(timeout=60)
        try:
            self.ioctx = self.cluster.open_ioctx(pool)
            try:
                image = rbd.Image(self.ioctx, 'volume-%s' % volume_id)
            except rbd.ImageNotFound:
                self.ioctx.close()
                raise base.HarnessError('no RBD image %s/volume-%s' % (pool, volume_id))
        except Exception:
            self.cluster.shutdown()
            raise
        self.size = image.size()
        self.wrapper = linuxrbd.RBDVolumeIOWrapper(
            linuxrbd.RBDImageMetadata(image, pool, args.user, os.path.abspath(args.conf)))

    def close(self):
        self.wrapper.close()  # closes the image
        self.ioctx.close()
        self.cluster.shutdown()


def cmd_backup(conf, args, db):
    from cinder import objects
    from cinder.objects import fields
    from eventlet import tpool
    context = base.admin_context()
    base.load_db(db, args.db)

    volume = RbdVolume(args, args.pool, args.volume_id)
    try:
        size_gib = max(1, math.ceil(volume.size / GiB))
        db.volumes[args.volume_id] = {
            'id': args.volume_id, 'size': size_gib, 'display_name': args.volume_name,
            'display_description': None, 'status': 'backing-up', 'volume_type_id': None,
            'encryption_key_id': None, 'bootable': False, 'availability_zone': 'nova',
        }
        parent_id = args.parent_id
        if parent_id and parent_id not in db.backups:
            raise base.HarnessError('--parent-id %s is not in the DB' % parent_id)
        if not parent_id and args.incremental:
            # Cinder's API: the newest (by data_timestamp) backup of the volume
            candidates = [r for r in db.backups.values()
                          if r['volume_id'] == args.volume_id and not r.get('deleted')]
            if not candidates:
                raise base.HarnessError('No backups available to do an incremental backup.')
            order = {backup_id: n for n, backup_id in enumerate(db.backups)}
            parent = max(candidates, key=lambda r: (r['data_timestamp'], order[r['id']]))
            parent_id = parent['id']

        created_at = base.utcnow()
        db.backup_create(context, {
            'id': args.backup_id, 'user_id': context.user_id, 'project_id': context.project_id,
            'volume_id': args.volume_id, 'status': fields.BackupStatus.CREATING,
            'container': args.container, 'parent_id': parent_id, 'size': size_gib,
            'display_name': args.name, 'display_description': None,
            'object_count': 0, 'service': CEPH_DRIVER, 'host': 'ember-interop',
            'availability_zone': conf.storage_availability_zone, 'metadata': {},
            'created_at': created_at, 'data_timestamp': created_at})
        backup = objects.Backup.get_by_id(context, args.backup_id)

        driver = make_ceph_driver(context, db)
        started = time.monotonic()
        updates = driver.backup(backup, tpool.Proxy(volume.wrapper))
        driver_seconds = time.monotonic() - started
    finally:
        volume.close()

    # the manager's bookkeeping after the driver call
    backup.refresh()
    backup.update(updates or {})
    backup.status = fields.BackupStatus.AVAILABLE
    backup.save()
    if parent_id:
        parent = objects.Backup.get_by_id(context, parent_id)
        parent.num_dependent_backups += 1
        parent.save()
    base.save_db(db, args.db)
    result = base.row_to_json(db.backups[backup.id])
    result['driver_seconds'] = round(driver_seconds, 3)
    return result


def cmd_restore(conf, args, db):
    if args.volume_file:
        return base.cmd_restore(conf, args, db)
    from cinder import objects
    from cinder.objects import fields
    from eventlet import tpool
    context = base.admin_context()
    backup_id = base.load_rows(db, args, context, conf)
    backup_row = db.backups[backup_id]

    target = RbdVolume(args, args.pool, args.target_volume_id)
    try:
        size_gib = max(1, math.ceil(target.size / GiB))
        if size_gib < backup_row['size']:
            raise base.HarnessError('target volume-%s has %d GiB, the backup needs %d'
                                    % (args.target_volume_id, size_gib, backup_row['size']))
        db.volumes[args.target_volume_id] = {
            'id': args.target_volume_id, 'size': size_gib,
            'display_name': 'restore_backup_%s' % backup_id, 'display_description': None,
            'volume_type_id': None, 'status': 'restoring-backup'}
        backup = objects.Backup.get_by_id(context, backup_id)
        backup.status = fields.BackupStatus.RESTORING
        backup.save()
        driver = make_ceph_driver(context, db)
        started = time.monotonic()
        driver.restore(backup, args.target_volume_id, tpool.Proxy(target.wrapper))
        driver_seconds = time.monotonic() - started
        restored_bytes = target.wrapper.rbd_image.size()
    finally:
        target.close()
    backup.status = fields.BackupStatus.AVAILABLE
    backup.save()
    base.save_db(db, getattr(args, 'db', None))
    return {'restored': backup_id, 'bytes': restored_bytes,
            'driver_seconds': round(driver_seconds, 3),
            'volume_metadata': db.volume_metadata.get(args.target_volume_id, {})}


def cmd_delete(conf, args, db):
    from cinder import objects
    context = base.admin_context()
    backup_id = base.load_rows(db, args, context, conf)
    backup = objects.Backup.get_by_id(context, backup_id)
    make_ceph_driver(context, db).delete_backup(backup)
    return {'deleted': backup_id}


def add_connection_options(parser):
    parser.add_argument('--conf', default=os.environ.get('CEPH_CONF'),
                        help='backup_ceph_conf and the volume side rbd_ceph_conf ($CEPH_CONF)')
    parser.add_argument('--user', default=os.environ.get('CEPH_BACKUP_CLIENT_ID') or 'backup',
                        help='backup_ceph_user and rbd_user ($CEPH_BACKUP_CLIENT_ID)')
    parser.add_argument('--backup-pool', help='backup_ceph_pool (default backups)')
    parser.add_argument('--chunk-size', type=int, help='backup_ceph_chunk_size')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-v', '--verbose', action='store_true', help="Cinder's debug log on stderr")
    sub = parser.add_subparsers(dest='command', required=True)

    b = sub.add_parser('backup', help="back up POOL/volume-ID with Cinder's CephBackupDriver")
    b.add_argument('--volume-id', required=True)
    b.add_argument('--pool', default='volumes', help="the volume's pool (rbd_pool)")
    b.add_argument('--backup-id', default=None)
    b.add_argument('--parent-id')
    b.add_argument('--incremental', action='store_true', help='parent chosen like Cinder')
    b.add_argument('--container', help="the backup's pool (default backup_ceph_pool)")
    b.add_argument('--name')
    b.add_argument('--volume-name', default='interop-volume')
    b.add_argument('--db')

    r = sub.add_parser('restore', help='restore a backup into an RBD image or a file')
    r.add_argument('--volume-file', help='target file (opened wb, like Cinder)')
    r.add_argument('--target-volume-id', default='11111111-2222-3333-4444-555555555555',
                   help='with --pool: restore into POOL/volume-ID')
    r.add_argument('--pool', default='volumes')

    e = sub.add_parser('export-record', help='backup_service + backup_url like cinder backup-export')
    d = sub.add_parser('delete', help="delete one backup with Cinder's driver")
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
    use_ceph_driver()
    try:
        conf = load_cinder(args)
        db = CephFakeDB()
        base.install_db(db)
        handler = {'backup': cmd_backup, 'restore': cmd_restore,
                   'export-record': base.cmd_export_record,
                   'import-record': base.cmd_import_record, 'delete': cmd_delete}
        started = time.monotonic()
        result = handler[args.command](conf, args, db)
        if isinstance(result, dict):
            result.setdefault('seconds', round(time.monotonic() - started, 3))
    except base.HarnessError as e:
        print('cinder_ceph: %s' % e, file=sys.stderr)
        return 1
    except Exception as e:  # Cinder's, rados' and rbd's own errors: show where, plainly
        import traceback
        traceback.print_exc()
        print('cinder_ceph: %s: %s' % (type(e).__name__, e), file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # eventlet's tpool worker threads can keep the interpreter from exiting after an
    # error raised in one of them (seen with Cinder's _discard_bytes into a file)
    os._exit(status)
