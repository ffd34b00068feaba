// SPDX-License-Identifier: Apache-2.0
// BackgroundTask: a job claimed by a pool thread or, failing that, by its owner.
#include "engine/background_task.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "base/memory_tracker.h"
#include "engine/task_pool.h"

namespace tessera::engine {

struct BackgroundTask::State {
  std::function<void()> job;
  bool may_fail = false;  // the owner's memory::MayFail(), for the thread that runs the job
  std::atomic<bool> claimed{false};
  std::exception_ptr error;  // written by the thread that ran the job, before `done`
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;  // GUARDED_BY(mutex)

  // True for the one caller that gets to run the job.
  bool Claim() { return !claimed.exchange(true); }

  void Run() {
    try {
      memory::MayFailScope owner_memory(may_fail);
      job();
    } catch (...) {
      error = std::current_exception();
    }
    job = nullptr;  // frees what the job captured before the owner wakes up
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    finished.notify_all();
  }
};

BackgroundTask::~BackgroundTask() {
  try {
    Wait();
  } catch (...) {
  }
}

void BackgroundTask::Start(TaskPool& pool, std::function<void()> job) {
  pending_ = std::make_shared<State>();
  pending_->job = std::move(job);
  pending_->may_fail = memory::MayFail();
  pool.Submit([state = pending_] {
    if (state->Claim()) state->Run();
  });
}

void BackgroundTask::Wait() {
  if (!pending_) return;
  std::shared_ptr<State> state = std::move(pending_);
  if (state->Claim()) {
    state->Run();
  } else {
    std::unique_lock lock(state->mutex);
    state->finished.wait(lock, [&] { return state->done; });
  }
  if (state->error) std::rethrow_exception(state->error);
}

}  // namespace tessera::engine
