// SPDX-License-Identifier: Apache-2.0
// WalWriter: appends records to a WAL directory and makes them durable with group commit
// (format: storage/FORMAT.md, "## WAL files"; reading and the torn-tail rule: storage/wal_reader.h).
//
// Use: Open() checks the whole log, truncates a torn tail and continues after the last intact record.
// Append() gives a record the next LSN and buffers it in memory; WaitDurable(lsn) returns once every
// record up to lsn is written and fdatasync'ed; Commit() is both. Records no caller waited for may be
// lost by a crash, but never a record a successful WaitDurable covered.
//
// Group commit: the first thread that must wait becomes the leader. It takes everything buffered so far,
// writes it with one pwrite per chunk (kChunkBytes) and syncs once per file, without holding the lock,
// while other threads append to a fresh buffer and wait on a condition variable. When the leader
// finishes, the waiters whose LSN it covered return and one of the rest leads the next write. So N
// concurrent committers share about one fsync per round instead of N.
//
// Errors: a failed write or fsync (58030 io_error, 53100 disk_full) is sticky: after it every call
// returns the same error. After a failed fsync the kernel may have dropped the dirty pages and cleared
// the error, so retrying could acknowledge data that is not on disk; the log must be reopened
// (re-read from disk) instead.
//
// Thread safety: all public methods may be called from any thread concurrently.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "storage/wal_files.h"

namespace tessera::storage {

// The system calls through which the writer's data reaches the disk; tests replace them to inject
// errors.
struct WalSyscalls {
  ssize_t (*write_at)(int fd, const void* data, size_t size, off_t offset) = ::pwrite;
  int (*sync_data)(int fd) = ::fdatasync;
};

struct WalOptions {
  // A file is closed and the next one started before a record that would take it past this size; a
  // record larger than the limit gets a file of its own.
  uint64_t file_size_limit = 64u << 20;
  WalSyscalls syscalls;
};

class WalWriter {
 public:
  // Buffered records are written in chunks (one pwrite each); a record goes to a new chunk once the
  // last one holds this many bytes, so that a large transaction's records are copied into the buffer
  // once, not again each time a growing chunk moves.
  static constexpr size_t kChunkBytes = 1u << 20;

  // Opens the log in `directory` (created when missing, its parent must exist).
  static Status Open(const std::string& directory, const WalOptions& options, std::unique_ptr<WalWriter>* writer);
  // Writes and syncs what is still buffered; errors are dropped (call WaitDurable to see them).
  ~WalWriter();
  WalWriter(const WalWriter&) = delete;
  WalWriter& operator=(const WalWriter&) = delete;

  // Buffers a record and sets *lsn to its LSN (the previous record's plus 1).
  Status Append(uint16_t type, std::string_view payload, uint64_t* lsn);
  // As Append, with the payload given as the concatenation of `parts` (copied once, into the buffer).
  Status AppendParts(uint16_t type, std::span<const std::string_view> parts, uint64_t* lsn);
  // Returns once every record with LSN <= lsn is durable. REQUIRES: lsn was returned by Append.
  Status WaitDurable(uint64_t lsn);
  // Append and WaitDurable.
  Status Commit(uint16_t type, std::string_view payload, uint64_t* lsn);

  // Deletes the files all of whose records have LSN < lsn (never the file being written), after a
  // checkpoint made those records unnecessary.
  Status RemoveBefore(uint64_t lsn);

  uint64_t last_lsn() const;     // the last LSN handed out; 0 before the first record ever
  uint64_t durable_lsn() const;  // every record up to it is on disk
  uint64_t sync_count() const { return sync_count_.load(std::memory_order_relaxed); }
  size_t file_count() const;

 private:
  // Encoded records for one pwrite; `new_file` starts a new file (named by first_lsn) before it.
  struct Chunk {
    bool new_file = false;
    uint64_t first_lsn = 0;
    std::string bytes;
  };

  WalWriter(std::string directory, const WalOptions& options);
  Status Recover();
  Status CreateFile(uint64_t first_lsn);
  Status WriteChunks(std::vector<Chunk>& chunks);
  Status WriteAll(const std::string& bytes);
  Status Sync();

  const std::string directory_;
  const WalOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable durable_changed_;
  std::vector<Chunk> chunks_;          // GUARDED_BY(mutex_): appended, not yet taken by a leader
  uint64_t next_lsn_ = 1;              // GUARDED_BY(mutex_)
  uint64_t durable_lsn_ = 0;           // GUARDED_BY(mutex_)
  uint64_t tail_file_size_ = 0;        // GUARDED_BY(mutex_): the last file's size once chunks_ is written
  bool leader_active_ = false;         // GUARDED_BY(mutex_)
  Status failure_;                     // GUARDED_BY(mutex_): sticky write/sync error
  std::vector<WalFileInfo> files_;     // GUARDED_BY(mutex_)

  // Owned by the leader (the thread that set leader_active_), or by Open before the writer is shared.
  int fd_ = -1;
  std::string file_path_;
  uint64_t file_offset_ = 0;

  std::atomic<uint64_t> sync_count_{0};
};

}  // namespace tessera::storage
