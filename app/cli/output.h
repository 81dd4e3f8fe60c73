// How ember-cli prints: cinderclient-style tables (prettytable look) or JSON
// for scripts, and the record -> row conversions both share.
#pragma once

#include "records.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace ember::cli {

enum class Format
{
    Table,
    Json
};

// +----+------+
// | ID | Name |
// +----+------+
QString renderTable(const QStringList& headers, const QList<QStringList>& rows);
// Cinder's print_dict: a Property/Value table, rows sorted by property.
QString renderPropertyTable(const QList<QPair<QString, QString>>& properties);

// Cinder API datetime text: 2024-01-02T03:04:05.000000 (UTC), empty if unset.
QString apiTime(const QDateTime& time);
// 1536 -> "1.5 KiB"
QString humanSize(qint64 bytes);
// "10G", "512M", "1T", "4096", "1.5GiB" -> bytes; throws Error with the rule.
qint64 parseSize(const QString& text);

// The backup as `backup-show` / `--format json` present it: Cinder's detail
// view plus ember's own fields.
QJsonObject backupJson(const Backup& backup);
QList<QPair<QString, QString>> backupProperties(const Backup& backup);
QJsonObject volumeJson(const Volume& volume);
QList<QPair<QString, QString>> volumeProperties(const Volume& volume);
QJsonObject backendJson(const BackendConfig& backend);

// Table cell text of a JSON value: strings as is, null as "None" like
// cinderclient, objects/arrays compact JSON.
QString cellText(const QJsonValue& value);
QList<QPair<QString, QString>> propertiesOf(const QJsonObject& object);

} // namespace ember::cli
