// The one retry back-off of every backend and client: exponential with
// jitter, capped, cancellable. Stores say how often and how long (a
// RetryPolicy built from their options); this file says how.
#pragma once

#include "operation.h"

#include <functional>

namespace ember {

// A failure worth retrying (timeout, 5xx, connection reset, S3 SlowDown): the
// engine regenerates the object's bytes and tries again, with back-off.
class TransientError : public Error
{
public:
    using Error::Error;
};

struct RetryPolicy
{
    int attempts = 0; // extra attempts after the first
    double initialBackoffSeconds = 2;
    double maxBackoffSeconds = 64;
};

class Backoff
{
public:
    explicit Backoff(RetryPolicy policy) : m_policy(policy) {}
    const RetryPolicy& policy() const { return m_policy; }
    // Seconds before retry number `attempt` (0 = the first retry):
    // initial * 2^attempt, capped at the maximum, times a random factor in
    // [0.5, 1] so parallel transfers do not retry in step.
    double delaySeconds(int attempt) const;
    // Sleeps that long, calling `throwIfCancelled` every 50 ms (it throws
    // Cancelled to stop). A null callback just sleeps.
    void wait(int attempt, const std::function<void()>& throwIfCancelled = {}) const;
    // Sleeps `seconds` the same cancellable way: for loops with their own
    // retry rule that log the delay from delaySeconds() before waiting it.
    static void sleep(double seconds, const std::function<void()>& throwIfCancelled = {});
    // Runs `work` until it returns without a TransientError, at most
    // 1 + attempts times; the last TransientError propagates. `beforeRetry`
    // (optional) sees each retried error and the delay about to be waited,
    // e.g. to log it.
    void run(const std::function<void()>& work, const std::function<void()>& throwIfCancelled = {},
             const std::function<void(const TransientError&, int attempt, double delaySeconds)>&
                 beforeRetry = {}) const;

private:
    RetryPolicy m_policy;
};

} // namespace ember
