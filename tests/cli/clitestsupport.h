// What the ember-cli end-to-end tests share: a run described for failure
// messages, its JSON output, and CLI_OK.
#pragma once

#include "testsupport.h"

#include <QJsonDocument>
#include <QTest>

namespace ember::test {

inline QString describe(const ProcessResult& result)
{
    return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
        .arg(result.exitCode)
        .arg(QString::fromUtf8(result.out), QString::fromUtf8(result.err));
}

inline QJsonDocument jsonOf(const ProcessResult& result)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(result.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << result.out;
    return document;
}

} // namespace ember::test

// Runs ember-cli and checks it succeeded; yields the result.
#define CLI_OK(result, ...)                                                                        \
    const ProcessResult result = cli(__VA_ARGS__);                                                 \
    QVERIFY2(result.exitCode == 0, qPrintable(describe(result)))
