// SPDX-License-Identifier: Apache-2.0
// One crash-test client: a bounded loop of random transactions on its own rows, recorded in its
// model, until the server dies under it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "test/crash/crash_model.h"

namespace tessera::crash {

// The table every client writes; created by CreateCrashTable.
inline constexpr const char* kCrashTable = "crash_rows";

struct ClientRun {
  int64_t transactions = 0;  // attempted in this round
  bool connection_broke = false;
  std::vector<std::string> errors;  // unexpected SQL errors on a live connection: each is a failure
};

// Connects to CONNINFO and runs up to MAX_TXNS transactions (inserts, multi-row transactions,
// updates, deletes, rollbacks) chosen by a generator seeded with SEED, recording them in MODEL.
// Returns when the connection breaks, after MAX_TXNS, or at the first unexpected error.
ClientRun RunClient(const std::string& conninfo, ClientModel& model, uint64_t seed, int64_t max_txns);

// Creates the table (client, seq, version, payload). Returns an error message, or "" on success.
std::string CreateCrashTable(const std::string& conninfo, const std::string& table_options = "");

// Reads the whole table into ROWS. Returns an error message, or "" on success.
std::string ReadCrashTable(const std::string& conninfo, std::vector<ObservedRow>& rows);

}  // namespace tessera::crash
