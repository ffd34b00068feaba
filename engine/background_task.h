// SPDX-License-Identifier: Apache-2.0
// BackgroundTask: one job at a time run on the TaskPool while its owner goes on with other work (COPY
// FROM converts and inserts one batch while the connection thread parses the next).
//
// Design: as with ParallelFor, the owner never waits for a job nobody runs. Start() submits the job;
// whoever claims it first runs it: a pool thread, or the owner in Wait() when no pool thread has taken
// it yet (every pool thread may be busy, or blocked behind a lock the owner's transaction holds).
//
// Thread safety: Start() and Wait() are called by the owner only. The job runs on one thread at a time
// with the owner's state; the owner must not touch what the job uses until Wait() returns. Everything
// the job wrote happens-before Wait() returns.
#pragma once

#include <functional>
#include <memory>

namespace tessera::engine {

class TaskPool;

class BackgroundTask {
 public:
  BackgroundTask() = default;
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  // Waits for a job still running; its error is dropped.
  ~BackgroundTask();

  // Starts `job`. REQUIRES: no job pending (Wait() returned since the last Start()).
  void Start(TaskPool& pool, std::function<void()> job);
  // Returns once the job started last has finished (running it here when no pool thread has claimed
  // it), and rethrows its exception. Returns at once when no job is pending.
  void Wait();

 private:
  struct State;
  std::shared_ptr<State> pending_;
};

}  // namespace tessera::engine
