// SPDX-License-Identifier: Apache-2.0
// TESSERA_CHECK: internal invariants. A failed check is a bug, never a user error: it throws an
// XX000 SqlError naming the file and line, which the session reports and survives.
#pragma once

#include <string>

#include "base/error.h"

namespace tessera::internal {
[[noreturn]] void CheckFailed(const char* file, int line, const char* condition, const std::string& values);
}  // namespace tessera::internal

#define TESSERA_CHECK(condition)                                                      \
  do {                                                                                \
    if (!(condition)) ::tessera::internal::CheckFailed(__FILE__, __LINE__, #condition, ""); \
  } while (0)

#define TESSERA_CHECK_EQ(a, b)                                                                     \
  do {                                                                                             \
    auto&& tessera_check_a = (a);                                                                  \
    auto&& tessera_check_b = (b);                                                                  \
    if (!(tessera_check_a == tessera_check_b))                                                     \
      ::tessera::internal::CheckFailed(__FILE__, __LINE__, #a " == " #b,                           \
                                       std::to_string(tessera_check_a) + " vs " +                  \
                                           std::to_string(tessera_check_b));                       \
  } while (0)

#ifdef NDEBUG
#define TESSERA_DCHECK(condition) \
  do {                            \
  } while (0)
#else
#define TESSERA_DCHECK(condition) TESSERA_CHECK(condition)
#endif
