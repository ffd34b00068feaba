// SPDX-License-Identifier: Apache-2.0
// Replaces the global operator new/delete family (plain, array, nothrow, sized, aligned) with
// MemoryTracker's counted allocation. Built as its own object library (tracked_new_delete) and linked
// only into binaries that want the accounting: the server and the tracker's tests.
#include <cstddef>
#include <new>

#include "base/memory_tracker.h"

using tessera::memory::Allocate;
using tessera::memory::Free;
using tessera::memory::TryAllocate;

namespace {

size_t Alignment(std::align_val_t alignment) { return static_cast<size_t>(alignment); }

}  // namespace

void* operator new(size_t size) { return Allocate(size, 0); }
void* operator new[](size_t size) { return Allocate(size, 0); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return TryAllocate(size, 0); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return TryAllocate(size, 0); }
void* operator new(size_t size, std::align_val_t alignment) { return Allocate(size, Alignment(alignment)); }
void* operator new[](size_t size, std::align_val_t alignment) { return Allocate(size, Alignment(alignment)); }
void* operator new(size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return TryAllocate(size, Alignment(alignment));
}
void* operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return TryAllocate(size, Alignment(alignment));
}

void operator delete(void* pointer) noexcept { Free(pointer); }
void operator delete[](void* pointer) noexcept { Free(pointer); }
void operator delete(void* pointer, const std::nothrow_t&) noexcept { Free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { Free(pointer); }
void operator delete(void* pointer, size_t) noexcept { Free(pointer); }
void operator delete[](void* pointer, size_t) noexcept { Free(pointer); }
void operator delete(void* pointer, std::align_val_t) noexcept { Free(pointer); }
void operator delete[](void* pointer, std::align_val_t) noexcept { Free(pointer); }
void operator delete(void* pointer, std::align_val_t, const std::nothrow_t&) noexcept { Free(pointer); }
void operator delete[](void* pointer, std::align_val_t, const std::nothrow_t&) noexcept { Free(pointer); }
void operator delete(void* pointer, size_t, std::align_val_t) noexcept { Free(pointer); }
void operator delete[](void* pointer, size_t, std::align_val_t) noexcept { Free(pointer); }
