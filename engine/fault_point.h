// SPDX-License-Identifier: Apache-2.0
// Test-only crash points of two-phase commit (test/cluster/): with TESSERA_FAULT_2PC=<name> in its
// environment, a process exits at once (as kill -9 would leave it) when it reaches FaultPoint(<name>):
// a coordinator at after-prepare and after-decision (engine/distributed_transaction.cc), a worker at
// worker-before-prepare, worker-after-prepare and worker-before-commit-prepared (planner/transaction.cc).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace tessera::engine {

inline void FaultPoint(const char* name) {
  static const char* const fault = std::getenv("TESSERA_FAULT_2PC");
  if (fault != nullptr && std::strcmp(fault, name) == 0) _exit(70);
}

}  // namespace tessera::engine
