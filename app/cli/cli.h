// ember-cli: the cinder client's backup commands over ember::BackupService.
#pragma once

#include <QStringList>

namespace ember::cli {

// Runs one command line (arguments[0] is the program). Returns the exit
// status: 0 on success, 1 after printing "ERROR: <reason>" to stderr.
int run(const QStringList& arguments);

} // namespace ember::cli
