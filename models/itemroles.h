// Roles and formatting shared by every item model, so views sort on raw
// values (bytes, times) while showing readable text.
#pragma once

#include <QDateTime>
#include <QString>
#include <Qt>

namespace ember::ui {

enum ItemRole
{
    // The value to sort by: qint64 for sizes and counts, QDateTime for times.
    RawValueRole = Qt::UserRole + 1,
    // The record's id (volume id, backup id, backend name, job id).
    IdRole,
    // Jobs: progress in [0, 1], or -1 when the total is unknown.
    ProgressRole,
    // Backups: depth in the chain (0 = full backup).
    ChainDepthRole,
    // Backups: how the parent link was learned (int of LinkOrigin); views draw
    // an inferred link differently (e.g. a dashed branch).
    LinkOriginRole,
    // Backups: what is inconsistent about the chain here; empty when nothing.
    ChainProblemRole,
    // Backups: why this host cannot read the backup ("key not available: ..."
    // when it is encrypted by a key that cannot be opened here); empty when it
    // can. Restore and verify actions refuse with it.
    KeyProblemRole,
};

QString formatBytes(qint64 bytes);
QString formatRate(double bytesPerSecond);
QString formatDuration(qint64 seconds);
QString formatTime(const QDateTime& time);
// A master key's fingerprint for a narrow column: its first two groups and
// an ellipsis ("3f2a-9c1d…"); short ones unchanged.
QString shortFingerprint(const QString& fingerprint);

} // namespace ember::ui
