// SPDX-License-Identifier: Apache-2.0
// ParallelFor: the shared claim counter, error hand-off and the caller's wait.
#include "engine/parallel.h"

#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>

#include "base/memory_tracker.h"
#include "engine/task_pool.h"

namespace tessera::engine {

namespace {

// Shared by the caller and its helper jobs; helpers keep it alive with a shared_ptr, since a helper may
// start after the caller has returned (it then finds no index left and never touches `task`).
struct ForState {
  std::mutex mutex;
  std::condition_variable finished;
  int count = 0;
  int next = 0;                            // GUARDED_BY(mutex): next unclaimed index
  int running = 0;                         // GUARDED_BY(mutex): claimed, not yet returned
  std::exception_ptr error;                // GUARDED_BY(mutex): the first task error
  std::atomic<bool>* cancel = nullptr;     // valid while running > 0 or next < count (caller waits)
  const std::function<void(int)>* task = nullptr;  // same lifetime as `cancel`
  bool may_fail = false;  // the caller's memory::MayFail(): helpers run the query's tasks under it too
};

// Claims and runs indexes until none are left or a task failed.
void Drain(ForState& state) {
  memory::MayFailScope query_memory(state.may_fail);
  while (true) {
    int index;
    {
      std::lock_guard lock(state.mutex);
      if (state.next >= state.count || state.error) return;
      index = state.next++;
      ++state.running;
    }
    std::exception_ptr error;
    try {
      (*state.task)(index);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(state.mutex);
      --state.running;
      if (error && !state.error) {
        state.error = error;
        state.cancel->store(true, std::memory_order_relaxed);
      }
      // Notify under the lock: once running reaches 0 the caller may return, but `state` stays alive
      // through the shared_ptr this job holds.
      state.finished.notify_all();
    }
  }
}

}  // namespace

void ParallelFor(TaskPool& pool, int workers, int count, std::atomic<bool>& cancel,
                 const std::function<void(int)>& task) {
  if (count <= 0) return;
  auto state = std::make_shared<ForState>();
  state->count = count;
  state->cancel = &cancel;
  state->task = &task;
  state->may_fail = memory::MayFail();
  const int helpers = std::min(count, workers) - 1;
  {
    // A helper already queued would outlive a throw from here and find `task` gone: queuing must not
    // fail half way (each job is a few bytes).
    memory::MayFailScope queuing(false);
    for (int helper = 0; helper < helpers; ++helper) {
      pool.Submit([state] { Drain(*state); });
    }
  }
  Drain(*state);
  std::unique_lock lock(state->mutex);
  state->finished.wait(lock, [&] { return state->running == 0; });
  // No index can be claimed any more (Drain returned: all claimed or a task failed), so no task runs
  // after this point and `task`/`cancel` may go out of scope.
  state->next = state->count;
  if (state->error) std::rethrow_exception(state->error);
}

}  // namespace tessera::engine
