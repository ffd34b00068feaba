// SPDX-License-Identifier: Apache-2.0
// ParallelFor: runs one task per partition on the worker pool, with the calling thread taking tasks too.
//
// Design: the caller submits up to `workers - 1` helper jobs to the TaskPool; the helpers and the caller
// claim task indexes from one shared counter until none are left, so the call finishes even when every
// pool thread is busy with other queries (the caller then runs all tasks itself): a statement thread
// never waits for a task that nobody can run. The first exception thrown by a task wins: indexes not yet
// claimed are skipped, `cancel` is set so running tasks stop at their next batch (their 57014 errors
// are dropped), and the caller rethrows it once every claimed task has returned.
//
// Thread safety: tasks run concurrently and must touch only their own state plus data that is safe to
// read concurrently. Everything a task wrote happens-before ParallelFor returns (the shared state's mutex
// orders each task's end before the caller's wake-up).
#pragma once

#include <atomic>
#include <functional>

namespace tessera::engine {

class TaskPool;

// Runs task(index) for every index in [0, count) using up to `workers` threads (pool threads plus the
// caller) and returns when all have finished; rethrows the first task's exception.
void ParallelFor(TaskPool& pool, int workers, int count, std::atomic<bool>& cancel,
                 const std::function<void(int)>& task);

}  // namespace tessera::engine
