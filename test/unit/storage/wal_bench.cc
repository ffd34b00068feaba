// SPDX-License-Identifier: Apache-2.0
// Group-commit benchmark of WalWriter: commits/s and fdatasync calls for 1, 8 and 64 committing
// threads. Run by hand: wal_bench [directory (default /tmp)] [seconds per run (default 2)].
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/wal_writer.h"

namespace {

using tessera::storage::WalOptions;
using tessera::storage::WalWriter;

void RunOnce(const std::string& parent, int thread_count, double seconds, size_t payload_size) {
  std::string directory = parent + "/tessera-wal-bench-XXXXXX";
  if (mkdtemp(directory.data()) == nullptr) {
    std::perror("mkdtemp");
    exit(1);
  }
  std::atomic<uint64_t> commits{0};
  std::atomic<bool> stop{false};
  uint64_t syncs = 0;
  auto start = std::chrono::steady_clock::now();
  {
    std::unique_ptr<WalWriter> writer;
    tessera::Status status = WalWriter::Open(directory + "/wal", WalOptions{}, &writer);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.info().message.c_str());
      exit(1);
    }
    uint64_t syncs_at_start = writer->sync_count();
    std::string payload(payload_size, 'x');
    std::vector<std::thread> threads;
    for (int thread = 0; thread < thread_count; ++thread) {
      threads.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed)) {
          uint64_t lsn = 0;
          if (!writer->Commit(1, payload, &lsn).ok()) exit(1);
          commits.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& thread : threads) thread.join();
    syncs = writer->sync_count() - syncs_at_start;
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%3d threads  %6zu B  %9.0f commits/s  %7.0f fdatasync/s  %6.1f commits per fdatasync\n",
              thread_count, payload_size, commits / elapsed, syncs / elapsed,
              syncs == 0 ? 0.0 : static_cast<double>(commits) / syncs);
  std::filesystem::remove_all(directory);
}

}  // namespace

int main(int argc, char** argv) {
  std::string parent = argc > 1 ? argv[1] : "/tmp";
  double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
  for (size_t payload_size : {100, 4096}) {
    for (int thread_count : {1, 8, 64}) RunOnce(parent, thread_count, seconds, payload_size);
  }
  return 0;
}
