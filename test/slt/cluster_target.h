// SPDX-License-Identifier: Apache-2.0
// A database target that is a whole cluster (docs/CLUSTER.md): per file, a coordinator and N workers
// started from the server binary on 127.0.0.1, the workers registered; tests talk to the coordinator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "test/slt/database_target.h"

namespace tessera::slt {

// Starts, for every file, N `BINARY --role worker` and one `BINARY --role coordinator` with fresh data
// directories under WORK_DIR and a shared cluster secret, then registers the workers with
// tessera.add_worker. FLAGS go to every node. Restart records restart the coordinator (the workers keep
// running, as a coordinator restart does in a real cluster).
std::unique_ptr<DatabaseTarget> MakeClusterTarget(const std::string& binary, int num_workers,
                                                  const std::string& work_dir, const std::string& connect_options,
                                                  const std::vector<std::string>& flags = {});

}  // namespace tessera::slt
