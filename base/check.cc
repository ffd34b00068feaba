// SPDX-License-Identifier: Apache-2.0
// Failure path of TESSERA_CHECK.
#include "base/check.h"

#include <cstdio>

namespace tessera::internal {

void CheckFailed(const char* file, int line, const char* condition, const std::string& values) {
  std::string message = std::string("internal error: check failed: ") + condition;
  if (!values.empty()) message += " (" + values + ")";
  std::fprintf(stderr, "%s:%d: %s\n", file, line, message.c_str());
  throw SqlError(SqlState::kInternalError, message)
      .WithDetail(std::string(file) + ":" + std::to_string(line));
}

}  // namespace tessera::internal
