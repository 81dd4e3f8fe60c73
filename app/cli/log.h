// ember-cli's logging category; enable with QT_LOGGING_RULES="ember.cli.debug=true".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCli)
