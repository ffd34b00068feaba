// SPDX-License-Identifier: Apache-2.0
#include "wal_test_support.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tessera::storage {

TempDirectory::TempDirectory() {
  char name[] = "/tmp/tessera-wal-test-XXXXXX";
  if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = name;
}

TempDirectory::~TempDirectory() { std::filesystem::remove_all(path_); }

std::string PayloadFor(uint64_t seed, size_t size) {
  std::mt19937_64 random(seed);
  std::string payload(size, '\0');
  for (size_t index = 0; index < size; index += 8) {
    uint64_t word = random();
    for (size_t byte = 0; byte < 8 && index + byte < size; ++byte) {
      payload[index + byte] = static_cast<char>(word >> (8 * byte));
    }
  }
  return payload;
}

Status ReadLog(const std::string& directory, uint64_t from_lsn, std::vector<WalRecord>* records) {
  records->clear();
  std::unique_ptr<WalReader> reader;
  Status status = WalReader::Open(directory, from_lsn, &reader);
  if (!status.ok()) return status;
  while (true) {
    WalRecord record;
    bool found = false;
    status = reader->Next(&record, &found);
    if (!status.ok() || !found) return status;
    records->push_back(std::move(record));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace tessera::storage
