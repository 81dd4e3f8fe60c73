// The IBM Spectrum Protect (TSM) backend: Cinder's TSMBackupDriver, run
// through IBM's dsmc command line client. Every backup is one full TSM object
// (an image backup for block devices, a file backup for image files).
//
// Passwords: Ember never puts the TSM password on dsmc's command line (Cinder
// did). Set PASSWORDACCESS GENERATE in dsm.sys and store the node password
// once (`dsmc query session` as root asks for it and saves it); or keep
// backup_tsm_password in the keyring: when dsmc prompts for the password,
// Ember types it on dsmc's stdin.
//
// Options (BackendConfig::options):
//   backup_tsm_volume_prefix   link/object name prefix (default "backup")
//   backup_tsm_compression     true -> -compression=yes (default true)
//   ember_tsm_dsmc_path        the client (default: dsmc on PATH, then
//                              /opt/tivoli/tsm/client/ba/bin/dsmc)
//   ember_tsm_optfile          -optfile=<path>
//   ember_tsm_servername       -se=<stanza in dsm.sys>
//   ember_tsm_nodename         -virtualnodename=<node> (act as that node)
//   ember_tsm_asnodename       -asnodename=<node> (proxy node access)
//   ember_tsm_timeout_seconds  stop dsmc after this long (default 86400)
//   ember_tsm_image_link_dir   where image-mode links are made (default /dev)
//   ember_tsm_file_link        file mode link: "symlink" (default, as Cinder
//                              since Stein) or "hardlink" (as before Stein, for
//                              clients that back up a symbolic link as a link)
//   ember_bandwidth_upload     limit on backups (the volume bytes dsmc reads)
//   ember_bandwidth_download   limit on restores (the bytes dsmc writes);
//                              both as drivers/bandwidth.h parses them
// Secret: backup_tsm_password.
#pragma once

#include "backendregistry.h"

#include <memory>

namespace ember {

BackendType tsmBackendType();
std::unique_ptr<BackupDriver> createTsmDriver(const BackendConfig& config,
                                              const BackendSecrets& secrets);

// The outcome of a connection test (`dsmc query session`).
struct TsmProbeResult
{
    bool ok = false;
    QString message; // one line for the user: what works, or what is wrong and what to do
    QString dsmcPath;
    QString clientVersion; // "8.1.15.0"
    QString serverName;
    QString serverType;    // "Linux/x86_64"
    QString serverVersion; // "Ver. 8, Rel. 1, Lev. 14.0"
    QString nodeName;
    bool deleteBackupAllowed = true; // server "Delete Backup Files" setting
    QStringList details;             // dsmc's ANS messages, as printed
};

TsmProbeResult probeTsm(const BackendConfig& config, const BackendSecrets& secrets);

} // namespace ember
