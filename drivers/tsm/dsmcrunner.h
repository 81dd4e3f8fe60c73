// Runs IBM's dsmc client as a child process (posix_spawn, no shell) in the
// calling thread: no event loop is needed, so any worker thread may call it.
//
// The TSM password never goes on the command line (Cinder passed
// -password=..., visible to every user through ps). dsmc either uses the
// password it stores itself (PASSWORDACCESS GENERATE in dsm.sys) or, when
// that is not set up, prompts for it on the terminal; the runner answers such
// a prompt on dsmc's stdin with the configured password, once.
#pragma once

#include "dsmcoutput.h"

#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace ember {
class OperationControl;
class TokenBucket;
} // namespace ember

namespace ember::tsm {

// A bandwidth limit on a dsmc run. dsmc reads the volume and talks to the
// server itself, so Ember sees its bytes only as the kernel counts what the
// process read or wrote (/proc/<pid>/io, including dsmc's own small files);
// they are charged to the bucket every 10 ms, and dsmc is held stopped
// (SIGSTOP to its process group) while the bucket is in debt.
struct DsmcPacing
{
    enum class Count
    {
        BytesRead,   // a backup: dsmc reads the volume
        BytesWritten // a restore: dsmc writes the target
    };
    std::shared_ptr<TokenBucket> bucket; // null = not paced
    Count count = Count::BytesRead;
};

struct DsmcInvocation
{
    QString program;        // absolute path of dsmc
    QStringList arguments;  // without the program
    QString password;       // answers a password prompt; empty = none configured
    int timeoutSeconds = 0; // 0 = no limit
    // Polled every 100 ms; the child is stopped when a cancel is requested.
    const OperationControl* control = nullptr;
    // Each complete output line, as it arrives.
    std::function<void(const QString&)> onLine;
    // Called about once a second while dsmc runs (progress by elapsed time).
    std::function<void()> onTick;
    DsmcPacing pacing;
};

struct DsmcResult
{
    int exitCode = -1; // dsmc's return code: 0, 4, 8, 12 (or other)
    bool timedOut = false;
    int timeoutSeconds = 0; // the limit that applied
    bool cancelled = false;
    bool crashed = false;         // killed by a signal we did not send
    bool passwordRefused = false; // prompted again after we answered
    bool passwordMissing = false; // prompted, but no password configured
    QString rawOutput;            // stdout and stderr, interleaved
    DsmcOutput output;
    // With DsmcInvocation::pacing: the bytes charged, how long dsmc was held,
    // and why it could not be paced (it then ran unpaced).
    qint64 pacedBytes = 0;
    qint64 heldMs = 0;
    QString pacingProblem;
};

// Runs dsmc to completion (or until timeout/cancel). Throws Error only when
// the program cannot be started at all.
DsmcResult runDsmc(const DsmcInvocation& invocation);

} // namespace ember::tsm
