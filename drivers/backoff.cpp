#include "backoff.h"

#include <QRandomGenerator>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace ember {

double Backoff::delaySeconds(int attempt) const
{
    const double base = std::min(m_policy.maxBackoffSeconds,
                                 m_policy.initialBackoffSeconds * std::pow(2.0, attempt));
    return std::max(0.0, base) * (0.5 + QRandomGenerator::global()->generateDouble() / 2);
}

void Backoff::wait(int attempt, const std::function<void()>& throwIfCancelled) const
{
    sleep(delaySeconds(attempt), throwIfCancelled);
}

void Backoff::sleep(double seconds, const std::function<void()>& throwIfCancelled)
{
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                           std::chrono::duration<double>(std::max(0.0, seconds)));
    for (;;) {
        if (throwIfCancelled)
            throwIfCancelled();
        const auto now = std::chrono::steady_clock::now();
        if (now >= until)
            return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            until - now, std::chrono::milliseconds(50)));
    }
}

void Backoff::run(const std::function<void()>& work, const std::function<void()>& throwIfCancelled,
                  const std::function<void(const TransientError&, int, double)>& beforeRetry) const
{
    for (int attempt = 0;; ++attempt) {
        try {
            work();
            return;
        } catch (const TransientError& error) {
            if (attempt >= m_policy.attempts)
                throw;
            // One draw, so the delay logged is the delay waited.
            const double delay = delaySeconds(attempt);
            if (beforeRetry)
                beforeRetry(error, attempt, delay);
            sleep(delay, throwIfCancelled);
        }
    }
}

} // namespace ember
