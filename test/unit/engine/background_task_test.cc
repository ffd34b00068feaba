// SPDX-License-Identifier: Apache-2.0
// Tests BackgroundTask (engine/background_task.h): jobs run on the pool, or by the owner when no pool
// thread is free, and their errors reach Wait().
#include "engine/background_task.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "base/memory_tracker.h"
#include "engine/task_pool.h"

namespace tessera::engine {
namespace {

TEST_SUITE("BackgroundTask") {
  TEST_CASE("a job runs on a pool thread and Wait returns after it") {
    TaskPool pool(1);
    BackgroundTask task;
    std::atomic<bool> ran{false};
    std::thread::id runner;
    task.Start(pool, [&] {
      runner = std::this_thread::get_id();
      ran = true;
    });
    for (int attempt = 0; attempt < 10000 && !ran; ++attempt) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    task.Wait();
    CHECK(ran);
    CHECK(runner != std::this_thread::get_id());
  }

  TEST_CASE("a job runs under its owner's memory flag, also on a pool thread") {
    TaskPool pool(1);
    for (bool owner_may_fail : {true, false}) {
      CAPTURE(owner_may_fail);
      memory::MayFailScope owner(owner_may_fail);
      BackgroundTask task;
      std::atomic<bool> ran{false};
      bool job_may_fail = !owner_may_fail;
      task.Start(pool, [&] {
        job_may_fail = memory::MayFail();
        ran = true;
      });
      for (int attempt = 0; attempt < 10000 && !ran; ++attempt) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      task.Wait();
      CHECK(job_may_fail == owner_may_fail);
    }
  }

  TEST_CASE("the owner runs the job itself when every pool thread is busy") {
    TaskPool pool(1);
    std::mutex mutex;
    std::condition_variable changed;
    bool release = false;
    pool.Submit([&] {  // occupies the only pool thread until the owner's job has run
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return release; });
    });
    BackgroundTask task;
    std::thread::id runner;
    task.Start(pool, [&] { runner = std::this_thread::get_id(); });
    task.Wait();
    CHECK(runner == std::this_thread::get_id());
    {
      std::lock_guard lock(mutex);
      release = true;
    }
    changed.notify_all();
  }

  TEST_CASE("a job's exception is rethrown by Wait, once") {
    TaskPool pool(2);
    BackgroundTask task;
    for (int round = 0; round < 100; ++round) {
      task.Start(pool, [] { throw std::runtime_error("job failed"); });
      CHECK_THROWS_WITH_AS(task.Wait(), "job failed", std::runtime_error);
      CHECK_NOTHROW(task.Wait());
    }
  }

  TEST_CASE("jobs started one after another see each other's writes") {
    TaskPool pool(2);
    BackgroundTask task;
    int64_t total = 0;  // written by whichever thread runs each job
    for (int round = 1; round <= 1000; ++round) {
      task.Start(pool, [&total, round] { total += round; });
      task.Wait();
    }
    CHECK(total == 500500);
  }

  TEST_CASE("destroying a task waits for its job and drops its error") {
    TaskPool pool(1);
    std::atomic<bool> finished{false};
    {
      BackgroundTask task;
      task.Start(pool, [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        finished = true;
        throw std::runtime_error("dropped");
      });
    }
    CHECK(finished);
  }
}

}  // namespace
}  // namespace tessera::engine
