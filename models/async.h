// The one way the UI and the models run blocking work (I/O, a connection
// test, a keyring read) without blocking the UI thread: the work runs on the
// global thread pool, and its outcome is delivered on the main (UI) thread,
// unless `context` (a UI-thread object) has been destroyed meanwhile. No nested event loop.
#pragma once

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace ember {

// What blocking work gave: its value, or the error it threw (in plain words).
template <typename T> struct AsyncOutcome
{
    std::optional<T> value;
    QString error;
    bool ok() const { return value.has_value(); }
};
template <> struct AsyncOutcome<void>
{
    bool succeeded = false;
    QString error;
    bool ok() const { return succeeded; }
};

// Runs `work()` on a pool thread; then `done(AsyncOutcome<R>)` on the main
// thread if `context` still exists (R is work's return type). Exceptions from `work` become the
// outcome's error. `pool` defaults to the global pool.
template <typename Work, typename Done>
void runInBackground(QObject* context, Work work, Done done, QThreadPool* pool = nullptr)
{
    using Result = std::invoke_result_t<Work>;
    QPointer<QObject> guard(context);
    (pool ? pool : QThreadPool::globalInstance())
        ->start([guard, work = std::move(work), done = std::move(done)]() mutable {
            AsyncOutcome<Result> outcome;
            try {
                if constexpr (std::is_void_v<Result>) {
                    work();
                    outcome.succeeded = true;
                } else {
                    outcome.value = work();
                }
            } catch (const std::exception& error) {
                outcome.error = QString::fromUtf8(error.what());
            } catch (...) {
                outcome.error = QStringLiteral("unexpected error");
            }
            // Queued to the application object (it outlives every context),
            // then checked: `context` may go away on the UI thread meanwhile.
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [guard, done = std::move(done), outcome = std::move(outcome)]() mutable {
                    if (guard)
                        done(std::move(outcome));
                },
                Qt::QueuedConnection);
        });
}

} // namespace ember
