// SPDX-License-Identifier: Apache-2.0
// Kill -9 test: a child process commits records from several threads and reports each acknowledged
// LSN through a pipe; after SIGKILL at a random moment the log must hold every acknowledged record.
// (A process crash keeps the page cache; power-loss testing needs a file system that drops unsynced
// writes and is a later job.)
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "storage/wal_writer.h"
#include "wal_test_support.h"

namespace tessera::storage {
namespace {

struct Acknowledgement {
  uint64_t lsn;
  uint64_t seed;  // the payload is PayloadFor(seed, seed % 300)
};

[[noreturn]] void RunCommitter(const std::string& directory, int pipe_fd) {
  WalOptions options;
  options.file_size_limit = 16 * 1024;
  std::unique_ptr<WalWriter> writer;
  if (!WalWriter::Open(directory, options, &writer).ok()) _exit(2);
  std::vector<std::thread> threads;
  for (uint64_t thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&writer, pipe_fd, thread] {
      for (uint64_t count = 0;; ++count) {
        Acknowledgement acknowledgement{0, (static_cast<uint64_t>(getpid()) << 32) | (thread << 24) | count};
        std::string payload = PayloadFor(acknowledgement.seed, acknowledgement.seed % 300);
        if (!writer->Commit(1, payload, &acknowledgement.lsn).ok()) _exit(3);
        if (write(pipe_fd, &acknowledgement, sizeof(acknowledgement)) != sizeof(acknowledgement)) _exit(4);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  _exit(0);
}

// Runs one child, kills it `delay` after its first acknowledgement (so a slow start on a loaded machine
// still kills it in the middle of committing), and adds what it acknowledged to *acknowledged.
void RunAndKill(const std::string& directory, std::chrono::milliseconds delay,
                std::map<uint64_t, uint64_t>* acknowledged) {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    close(pipe_fds[0]);
    RunCommitter(directory, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  Acknowledgement acknowledgement;
  bool started = read(pipe_fds[0], &acknowledgement, sizeof(acknowledgement)) == sizeof(acknowledgement);
  if (started) std::this_thread::sleep_for(delay);
  kill(child, SIGKILL);
  int wait_status = 0;
  REQUIRE(waitpid(child, &wait_status, 0) == child);
  CHECK(WIFSIGNALED(wait_status));  // not an early exit from an error
  REQUIRE(started);
  CHECK(acknowledged->emplace(acknowledgement.lsn, acknowledgement.seed).second);
  while (read(pipe_fds[0], &acknowledgement, sizeof(acknowledgement)) == sizeof(acknowledgement)) {
    CHECK(acknowledged->emplace(acknowledgement.lsn, acknowledgement.seed).second);
  }
  close(pipe_fds[0]);
}

TEST_SUITE("wal") {

TEST_CASE("every record acknowledged before a SIGKILL is in the log after it") {
  TempDirectory temp;
  std::mt19937_64 random(2024);
  std::map<uint64_t, uint64_t> acknowledged;  // LSN -> payload seed
  for (int round = 0; round < 20; ++round) {
    CAPTURE(round);
    RunAndKill(temp.wal(), std::chrono::milliseconds(5 + random() % 40), &acknowledged);
    std::vector<WalRecord> records;
    Status status = ReadLog(temp.wal(), 0, &records);
    REQUIRE_MESSAGE(status.ok(), (status.ok() ? "" : status.info().message + " " + status.info().detail));
    REQUIRE(!acknowledged.empty());
    REQUIRE(records.size() >= acknowledged.rbegin()->first);
    for (auto [lsn, seed] : acknowledged) {
      const WalRecord& record = records[lsn - 1];
      CHECK(record.lsn == lsn);
      CHECK(record.payload == PayloadFor(seed, seed % 300));
    }
  }
  MESSAGE("acknowledged records over 20 kills: ", acknowledged.size());
}

}  // TEST_SUITE
}  // namespace
}  // namespace tessera::storage
