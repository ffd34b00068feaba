// SPDX-License-Identifier: Apache-2.0
// MemoryTracker: counts the bytes the process has allocated through operator new and enforces the
// server's --memory-limit on threads that run a query.
//
// Design: base/tracked_new_delete.cc replaces the global operator new/delete family and forwards every
// call to Allocate()/Free() here. It is linked only into the server and the tests that need it; in any
// other binary nothing calls Allocate() and BytesInUse() stays 0. Every allocation is counted (its
// malloc_usable_size), on every thread. Only a thread inside a MayFailScope(true) is refused: when the
// request would take BytesInUse() over Limit(), Allocate() throws MemoryLimitExceeded (a std::bad_alloc)
// instead. The statement executor opens such a scope while it runs a query's operators, and ParallelFor
// and BackgroundTask carry it to the pool threads that run the query's tasks. Everything else (the WAL
// writer, checkpoints, connection I/O, commits, error reporting) never fails, so it needs no headroom:
// the error of a refused query is always reported, and a writer that must not stop half way (appending
// rows to a table, stamping versions) closes a MayFailScope(false) around its steps.
//
// Not counted: memory from malloc() directly (libpg_query's parse trees, LZ4's state), thread stacks and
// the page cache behind segment files.
//
// Thread safety: all functions may be called from any thread. The limit is set once at start-up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::memory {

// The error operator new throws when a query thread would exceed the limit. It is a std::bad_alloc, as
// operator new must throw, and carries the size of the request that was refused, also across threads
// (ParallelFor rethrows a pool thread's exception on the statement's thread).
class MemoryLimitExceeded : public std::bad_alloc {
 public:
  explicit MemoryLimitExceeded(size_t request_size) noexcept : request_size_(request_size) {}
  const char* what() const noexcept override { return "memory limit exceeded"; }
  size_t request_size() const { return request_size_; }

 private:
  size_t request_size_;
};

// Sets the limit in bytes; 0 means no limit (the default).
void SetLimit(size_t bytes);
size_t Limit();
// Parses a limit as PostgreSQL writes memory settings: a number of bytes, optionally followed by a unit
// (B, kB, MB, GB or TB, in any case, 1024-based), or -1 / 0 / "unlimited" for none (0). Returns nullopt
// for anything else.
std::optional<size_t> ParseMemorySize(std::string_view text);
// Formats a limit with the largest unit that divides it ("200MB", "1536kB", "1000B"); "-1" for none.
std::string FormatMemorySize(size_t bytes);
// Bytes allocated through operator new and not yet freed.
int64_t BytesInUse();

// Whether allocations on this thread may be refused.
bool MayFail();

// Sets this thread's "may fail" flag for its lifetime, restoring the previous value after.
class MayFailScope {
 public:
  explicit MayFailScope(bool may_fail);
  ~MayFailScope();
  MayFailScope(const MayFailScope&) = delete;
  MayFailScope& operator=(const MayFailScope&) = delete;

 private:
  bool previous_;
};

// Returns the allocator's free memory to the operating system (glibc's malloc_trim), e.g. after a query
// that reached the limit: freed blocks otherwise stay in the process, counted by nobody.
void ReleaseFreeMemory();

// Throws MemoryLimitExceeded when this thread may fail and the limit is already reached, so that a
// caller about to grow shared state in a MayFailScope(false) stops before it rather than never.
void CheckLimit();

// The allocation functions behind operator new/delete (see tracked_new_delete.cc). `alignment` 0 means
// malloc's own. Allocate() throws MemoryLimitExceeded or std::bad_alloc; TryAllocate() returns nullptr
// instead. Free(nullptr) does nothing.
void* Allocate(size_t size, size_t alignment);
void* TryAllocate(size_t size, size_t alignment) noexcept;
void Free(void* pointer) noexcept;

}  // namespace tessera::memory
