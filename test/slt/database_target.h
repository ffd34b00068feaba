// SPDX-License-Identifier: Apache-2.0
// Where a runner job's test files run: a fresh tessera server per file, or a scratch database on an
// existing server (PostgreSQL, for calibration). Each job owns one target; targets are not shared.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "test/slt/script.h"

namespace tessera::slt {

class ServerProcess;

class DatabaseTarget {
 public:
  virtual ~DatabaseTarget() = default;

  // Gives the next file an empty database. Throws std::runtime_error when that is impossible.
  virtual void BeginFile() = 0;
  // Releases what BeginFile created (stops the file's server).
  virtual void EndFile() = 0;
  // Returns the libpq connection string of the file's database.
  virtual std::string ConnInfo() const = 0;
  // Handles a `restart` / `restart kill` record (the caller drops its connections first): stops the
  // server (SIGTERM, or SIGKILL for kKill) and starts it again on the same data directory and port.
  // Returns false when this target cannot restart its server (an external server without a restart
  // command): the caller reports the record as skipped. Throws std::runtime_error when the server
  // does not come back.
  virtual bool Restart(RestartMode mode) = 0;
  // Called after a connection broke: makes the database reachable again if it can (restarting a
  // crashed or hung server on its data). Returns a description of what happened, or throws.
  virtual std::string Recover() = 0;
};

// Starts `BINARY --port N --data-dir DIR` for every file, with DIR a fresh directory under WORK_DIR.
std::unique_ptr<DatabaseTarget> MakeOwnServerTarget(const std::string& binary, const std::string& work_dir,
                                                    const std::string& connect_options,
                                                    const std::vector<std::string>& flags = {});

// Uses the server at CONNINFO: per file drops and recreates the database SCRATCH_NAME and connects to
// it. If the server cannot create databases, runs every file in CONNINFO's own database (no reset).
// RESTART_COMMAND, when not empty, is run by `sh -c` for restart records, with TESSERA_SLT_RESTART set
// to `clean` or `kill` (e.g. `pg_ctl restart -m fast|immediate`); without it restarts are skipped.
std::unique_ptr<DatabaseTarget> MakeExistingServerTarget(const std::string& conninfo,
                                                         const std::string& scratch_name,
                                                         const std::string& restart_command);

}  // namespace tessera::slt
