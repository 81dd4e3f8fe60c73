// A fixed set of threads running independent tasks (hash, compress, write a
// piece). Tasks never wait on other tasks, so the pool cannot deadlock; the
// threads that wait for results (object writers/readers) are not pool threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace ember {

class WorkerPool
{
public:
    explicit WorkerPool(int threads)
    {
        for (int i = 0; i < std::max(1, threads); ++i)
            m_threads.emplace_back([this] { work(); });
    }
    ~WorkerPool()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_all();
        for (std::thread& thread : m_threads)
            thread.join();
    }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    int size() const { return int(m_threads.size()); }

    template <typename Function> auto submit(Function function) -> std::future<decltype(function())>
    {
        using Result = decltype(function());
        auto task = std::make_shared<std::packaged_task<Result()>>(std::move(function));
        std::future<Result> result = task->get_future();
        {
            std::lock_guard lock(m_mutex);
            m_tasks.emplace_back([task] { (*task)(); });
        }
        m_wake.notify_one();
        return result;
    }

private:
    void work()
    {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
                if (m_tasks.empty())
                    return;
                task = std::move(m_tasks.front());
                m_tasks.pop_front();
            }
            task();
        }
    }

    std::vector<std::thread> m_threads;
    std::deque<std::function<void()>> m_tasks;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
};

} // namespace ember
