// Runs a test body that calls Ember (which throws ember::Error): an error
// fails the test function with its message instead of ending the whole test
// program. Header only, so a test includes it without relinking the others.
#pragma once

#include "records.h"

#include <QTest>

#include <functional>

namespace ember::test {

inline void failOnError(const std::function<void()>& body)
{
    try {
        body();
    } catch (const Error& error) {
        QFAIL(qPrintable(QStringLiteral("unexpected error: ") + error.message()));
    }
}

} // namespace ember::test
