// SPDX-License-Identifier: Apache-2.0
// The checkpoint's worker list (engine/checkpoint_file.h): version 6 keeps whether a worker is draining,
// and a version 5 checkpoint, which has no such byte, still reads (every worker not draining).
#include "engine/checkpoint_file.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "simd/crc32c.h"

namespace tessera::engine {
namespace {

CheckpointContents TwoWorkers() {
  CheckpointContents contents;
  contents.workers = {WorkerInfo{1, "127.0.0.1", 5001}, WorkerInfo{2, "127.0.0.1", 5002}};
  contents.workers[1].draining = true;
  contents.next_worker_id = 3;
  return contents;
}

// `bytes` (a version 6 encoding of TwoWorkers()) as version 5 wrote it: no draining byte after each
// worker's port, no count of prepared catalog images at the end, version 5, the CRC computed again.
std::string AsVersion5(std::string bytes) {
  // The tail: per worker ... port (4), draining (1); then the prepared count (4), the decision count
  // (4), the prepared catalog count (4) and the CRC (4).
  bytes.erase(bytes.size() - 4 - 4, 4);
  const size_t second_draining = bytes.size() - 4 - 4 - 4 - 1;
  bytes.erase(second_draining, 1);
  const size_t first_draining = second_draining - (4 + 4 + std::strlen("127.0.0.1") + 4) - 1;
  bytes.erase(first_draining, 1);
  const uint32_t version = 5;
  std::memcpy(bytes.data() + 4, &version, sizeof(version));
  bytes.resize(bytes.size() - 4);
  const uint32_t crc = simd::Crc32c(bytes.data(), bytes.size());
  bytes.append(reinterpret_cast<const char*>(&crc), sizeof(crc));
  return bytes;
}

TEST_SUITE("CheckpointFile") {
  TEST_CASE("a worker's draining mark survives a checkpoint") {
    CheckpointContents decoded;
    REQUIRE(DecodeCheckpoint(EncodeCheckpoint(TwoWorkers()), "checkpoint", &decoded).ok());
    REQUIRE(decoded.workers.size() == 2);
    CHECK_FALSE(decoded.workers[0].draining);
    CHECK(decoded.workers[1].draining);
    CHECK(decoded.workers[1].port == 5002);
    CHECK(decoded.next_worker_id == 3);
  }

  TEST_CASE("a version 5 checkpoint reads with every worker active") {
    CheckpointContents decoded;
    const Status status = DecodeCheckpoint(AsVersion5(EncodeCheckpoint(TwoWorkers())), "checkpoint", &decoded);
    REQUIRE(status.ok());
    REQUIRE(decoded.workers.size() == 2);
    CHECK(decoded.workers[0].host == "127.0.0.1");
    CHECK(decoded.workers[1].port == 5002);
    CHECK_FALSE(decoded.workers[0].draining);
    CHECK_FALSE(decoded.workers[1].draining);
  }
}

}  // namespace
}  // namespace tessera::engine
