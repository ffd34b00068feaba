// SPDX-License-Identifier: Apache-2.0
// Helpers for the WAL tests: a temporary directory, payloads that name their record, whole-file access.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/wal_reader.h"

namespace tessera::storage {

// A fresh directory under /tmp, removed with everything in it on destruction.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  const std::string& path() const { return path_; }
  // The WAL directory inside it (not created).
  std::string wal() const { return path_ + "/wal"; }

 private:
  std::string path_;
};

// Returns `size` bytes determined by `seed`, so a record's payload can be checked from its LSN.
std::string PayloadFor(uint64_t seed, size_t size);

// Reads the log from from_lsn to its end into *records.
Status ReadLog(const std::string& directory, uint64_t from_lsn, std::vector<WalRecord>* records);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

}  // namespace tessera::storage
