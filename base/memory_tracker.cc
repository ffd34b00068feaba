// SPDX-License-Identifier: Apache-2.0
// MemoryTracker: the byte counter, the limit and the per-thread "may fail" flag.
#include "base/memory_tracker.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace tessera::memory {

namespace {

std::atomic<int64_t> bytes_in_use{0};
std::atomic<size_t> limit{0};
constinit thread_local bool may_fail = false;

// Whether this thread's request for `size` bytes is refused.
bool Refused(size_t size) {
  if (!may_fail) return false;
  const size_t cap = limit.load(std::memory_order_relaxed);
  if (cap == 0) return false;
  if (size > cap) return true;
  return bytes_in_use.load(std::memory_order_relaxed) > static_cast<int64_t>(cap - size);
}

struct MemoryUnit {
  std::string_view name;
  size_t bytes;
};

// Largest first, for FormatMemorySize.
constexpr MemoryUnit kUnits[] = {
    {"TB", size_t{1} << 40}, {"GB", size_t{1} << 30}, {"MB", size_t{1} << 20}, {"kB", size_t{1} << 10}, {"B", 1}};

bool SameLetters(std::string_view left, std::string_view right) {
  return left.size() == right.size() &&
         std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

void* RawAllocate(size_t size, size_t alignment) noexcept {
  if (size == 0) size = 1;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  void* pointer = nullptr;
  if (posix_memalign(&pointer, std::max(alignment, sizeof(void*)), size) != 0) return nullptr;
  return pointer;
}

void* Counted(void* pointer) noexcept {
  if (pointer != nullptr) {
    bytes_in_use.fetch_add(static_cast<int64_t>(malloc_usable_size(pointer)), std::memory_order_relaxed);
  }
  return pointer;
}

}  // namespace

void SetLimit(size_t bytes) { limit.store(bytes, std::memory_order_relaxed); }

size_t Limit() { return limit.load(std::memory_order_relaxed); }

int64_t BytesInUse() { return bytes_in_use.load(std::memory_order_relaxed); }

std::optional<size_t> ParseMemorySize(std::string_view text) {
  if (text == "-1" || SameLetters(text, "unlimited")) return 0;
  size_t number = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  std::string_view unit = text.substr(static_cast<size_t>(end - text.data()));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty()) return number;
  for (const MemoryUnit& candidate : kUnits) {
    if (!SameLetters(unit, candidate.name)) continue;
    if (number > std::numeric_limits<size_t>::max() / candidate.bytes) return std::nullopt;
    return number * candidate.bytes;
  }
  return std::nullopt;
}

std::string FormatMemorySize(size_t bytes) {
  if (bytes == 0) return "-1";
  for (const MemoryUnit& unit : kUnits) {
    if (bytes % unit.bytes == 0) return std::to_string(bytes / unit.bytes) + std::string(unit.name);
  }
  return std::to_string(bytes) + "B";
}

bool MayFail() { return may_fail; }

MayFailScope::MayFailScope(bool value) : previous_(may_fail) { may_fail = value; }

MayFailScope::~MayFailScope() { may_fail = previous_; }

void ReleaseFreeMemory() { malloc_trim(0); }

void CheckLimit() {
  if (Refused(0)) throw MemoryLimitExceeded(0);
}

void* Allocate(size_t size, size_t alignment) {
  if (Refused(size)) throw MemoryLimitExceeded(size);
  // As operator new: on a real allocation failure, call the new-handler until it gives up.
  while (true) {
    if (void* pointer = RawAllocate(size, alignment)) return Counted(pointer);
    std::new_handler handler = std::get_new_handler();
    if (handler == nullptr) throw std::bad_alloc();
    handler();
  }
}

void* TryAllocate(size_t size, size_t alignment) noexcept {
  try {
    return Allocate(size, alignment);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

void Free(void* pointer) noexcept {
  if (pointer == nullptr) return;
  bytes_in_use.fetch_sub(static_cast<int64_t>(malloc_usable_size(pointer)), std::memory_order_relaxed);
  std::free(pointer);
}

}  // namespace tessera::memory
