// Drives the main window into the states shown in docs/screenshots (used by
// scripts/screenshots.sh through the hidden --screenshot-demo option). When a
// scene is ready it prints "EMBER-SCREENSHOT-READY" on stdout.
#pragma once

#include <QObject>
#include <QString>

namespace ember::ui {

class MainWindow;

// Scenes: "prepare" (builds a chain of three backups and a 1 GiB volume, then
// quits), "main", "create-backup", "restore", "wizard", "first-start" (an
// empty catalog), "overview" (adds volumes, schedules and two weeks of
// backup and job history to the prepared catalog, then shows the Overview
// page), "keys" (the keys dialog), "encryption-wizard" (the wizard's
// encryption page) and "encrypted-chain" (two encrypted backups; these three
// need a keyring or EMBER_ALLOW_FILE_SECRETS=1), and
// against a running cloud (scripts/cloud-screenshots.sh) "cloud-chains" and
// "cloud-refusal".
QStringList screenshotScenes();
void startScreenshotDemo(MainWindow& window, const QString& scene);

} // namespace ember::ui
