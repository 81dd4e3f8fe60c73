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
BackupManager code - is the shared base's (cinder_harness.py), with the Ceph driver.

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

import contextlib
import math
import os
import sys
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cinder_harness import GiB, FakeDB, Harness, HarnessError, VolumeRow  # noqa: E402

CEPH_DRIVER = 'cinder.backup.drivers.ceph.CephBackupDriver'


class CephVolumeRow(VolumeRow):
    """A volumes row the Ceph driver can use like a Volume object: volume.id,
    volume.name (volume-<id>, Cinder's volume_name_template) and volume['size']."""

    def __getattr__(self, name):
        if name == 'name':
            return 'volume-%s' % self['id']
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class CephFakeDB(FakeDB):
    volume_row = CephVolumeRow


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
                raise HarnessError('no RBD image %s/volume-%s' % (pool, volume_id))
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


class CephHarness(Harness):
    prog = 'cinder_ceph'
    description = __doc__.split('\n\n')[0]
    driver = CEPH_DRIVER
    db_class = CephFakeDB

    def options(self, args):
        if not args.conf or not os.path.exists(args.conf):
            raise HarnessError('no Ceph configuration: give --conf or set $CEPH_CONF (got %r)'
                               % args.conf)
        overrides = super().options(args)
        overrides.update({
            'backup_ceph_conf': os.path.abspath(args.conf),
            'backup_ceph_user': args.user,
            'backup_ceph_pool': getattr(args, 'backup_pool', None),
            'backup_ceph_chunk_size': getattr(args, 'chunk_size', None),
        })
        return overrides

    @contextlib.contextmanager
    def backup_source(self, args):
        volume = RbdVolume(args, args.pool, args.volume_id)
        try:
            yield volume.size, volume.wrapper
        finally:
            volume.close()

    @contextlib.contextmanager
    def restore_target(self, args, backup_row):
        if args.volume_file:
            with super().restore_target(args, backup_row) as target:
                yield target
            return
        volume = RbdVolume(args, args.pool, args.target_volume_id)
        try:
            size_gib = max(1, math.ceil(volume.size / GiB))
            if size_gib < backup_row['size']:
                raise HarnessError('target volume-%s has %d GiB, the backup needs %d'
                                   % (args.target_volume_id, size_gib, backup_row['size']))
            target = types.SimpleNamespace(size_gib=size_gib, device=volume.wrapper)
            yield target
            target.bytes = volume.wrapper.rbd_image.size()
        finally:
            volume.close()

    def add_arguments(self, commands):
        commands['backup'].add_argument('--pool', default='volumes',
                                        help="the volume's pool (rbd_pool)")
        r = commands['restore']
        r.add_argument('--volume-file', help='target file (opened wb, like Cinder); else '
                       'into POOL/volume-TARGET_VOLUME_ID')
        r.add_argument('--pool', default='volumes')
        for parser in commands.values():
            parser.add_argument('--conf', default=os.environ.get('CEPH_CONF'),
                                help='backup_ceph_conf and the volume side rbd_ceph_conf '
                                     '($CEPH_CONF)')
            parser.add_argument('--user',
                                default=os.environ.get('CEPH_BACKUP_CLIENT_ID') or 'backup',
                                help='backup_ceph_user and rbd_user ($CEPH_BACKUP_CLIENT_ID)')
            parser.add_argument('--backup-pool', help='backup_ceph_pool (default backups)')
            parser.add_argument('--chunk-size', type=int, help='backup_ceph_chunk_size')


main = CephHarness().main

if __name__ == '__main__':
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # eventlet's tpool worker threads can keep the interpreter from exiting after an
    # error raised in one of them (seen with Cinder's _discard_bytes into a file)
    os._exit(status)
