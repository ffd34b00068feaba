// SPDX-License-Identifier: Apache-2.0
// Tests MemoryTracker through the replaced operator new/delete: counting, the limit on "may fail"
// threads only, and the counter's return to its baseline.
#include "base/memory_tracker.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <vector>

namespace tessera::memory {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

// Sets a limit `headroom` bytes above what is in use now, and removes it again.
class LimitAboveBaseline {
 public:
  explicit LimitAboveBaseline(size_t headroom) { SetLimit(static_cast<size_t>(BytesInUse()) + headroom); }
  ~LimitAboveBaseline() { SetLimit(0); }
};

TEST_SUITE("memory_tracker") {
  TEST_CASE("operator new and delete move the counter by the usable size and back") {
    const int64_t baseline = BytesInUse();
    auto block = std::make_unique<char[]>(8 * kMiB);
    CHECK(BytesInUse() >= baseline + static_cast<int64_t>(8 * kMiB));
    block.reset();
    CHECK(BytesInUse() == baseline);
  }

  TEST_CASE("aligned and nothrow forms are counted too") {
    const int64_t baseline = BytesInUse();
    struct alignas(256) Aligned {
      char bytes[4096];
    };
    auto* aligned = new Aligned;
    CHECK(reinterpret_cast<uintptr_t>(aligned) % 256 == 0);
    auto* plain = new (std::nothrow) char[kMiB];
    REQUIRE(plain != nullptr);
    CHECK(BytesInUse() >= baseline + static_cast<int64_t>(kMiB + sizeof(Aligned)));
    delete aligned;
    delete[] plain;
    CHECK(BytesInUse() == baseline);
  }

  TEST_CASE("a thread that may not fail allocates past the limit") {
    const int64_t baseline = BytesInUse();
    LimitAboveBaseline limit(4 * kMiB);
    CHECK_FALSE(MayFail());
    std::vector<char> big(16 * kMiB);
    CHECK(BytesInUse() > static_cast<int64_t>(Limit()));
    CHECK_NOTHROW(CheckLimit());
    big = std::vector<char>();
    CHECK(BytesInUse() == baseline);
  }

  TEST_CASE("a thread that may fail is refused past the limit with the request's size") {
    const int64_t baseline = BytesInUse();
    LimitAboveBaseline limit(4 * kMiB);
    MayFailScope query(true);
    std::vector<char> small(kMiB);  // within the limit
    size_t refused_size = 0;
    try {
      std::vector<char> big(16 * kMiB);
    } catch (const MemoryLimitExceeded& error) {
      refused_size = error.request_size();
    }
    CHECK(refused_size == 16 * kMiB);
    CHECK(new (std::nothrow) char[16 * kMiB] == nullptr);
    small = std::vector<char>();
    CHECK(BytesInUse() == baseline);
  }

  TEST_CASE("CheckLimit throws only on a may-fail thread that is over the limit") {
    LimitAboveBaseline limit(kMiB);
    std::vector<char> over(4 * kMiB);  // this thread may not fail yet
    CHECK_NOTHROW(CheckLimit());
    bool refused = false;
    {
      MayFailScope query(true);  // doctest's own allocations would be refused here, so check after
      try {
        CheckLimit();
      } catch (const MemoryLimitExceeded&) {
        refused = true;
      }
    }
    CHECK(refused);
  }

  TEST_CASE("scopes nest and restore, and other threads do not inherit the flag") {
    LimitAboveBaseline limit(4 * kMiB);
    MayFailScope query(true);
    {
      MayFailScope writer(false);
      CHECK_FALSE(MayFail());
      CHECK_NOTHROW(std::vector<char>(16 * kMiB));
    }
    CHECK(MayFail());
    bool other_thread_may_fail = true;
    std::thread([&] {
      other_thread_may_fail = MayFail();
      std::vector<char> big(16 * kMiB);
    }).join();
    CHECK_FALSE(other_thread_may_fail);
  }

  TEST_CASE("limits parse and print as PostgreSQL's memory settings") {
    struct Case {
      const char* text;
      std::optional<size_t> bytes;
    };
    const Case cases[] = {{"1000", 1000},         {"512MB", 512 * kMiB},   {"2GB", 2048 * kMiB},
                          {"2 gb", 2048 * kMiB},  {"64kB", 64 * 1024},     {"1TB", kMiB * kMiB},
                          {"-1", 0},              {"0", 0},                {"unlimited", 0},
                          {"", std::nullopt},     {"MB", std::nullopt},    {"12XB", std::nullopt},
                          {"-5MB", std::nullopt}, {"1.5GB", std::nullopt}, {"99999999999TB", std::nullopt}};
    for (const Case& test : cases) {
      CAPTURE(test.text);
      CHECK(ParseMemorySize(test.text) == test.bytes);
    }
    CHECK(FormatMemorySize(200 * kMiB) == "200MB");
    CHECK(FormatMemorySize(1536 * 1024) == "1536kB");
    CHECK(FormatMemorySize(2048 * kMiB) == "2GB");
    CHECK(FormatMemorySize(1000) == "1000B");
    CHECK(FormatMemorySize(0) == "-1");
  }

  TEST_CASE("without a limit nothing is refused") {
    SetLimit(0);
    MayFailScope query(true);
    CHECK_NOTHROW(std::vector<char>(64 * kMiB));
    CHECK_NOTHROW(CheckLimit());
  }
}

}  // namespace
}  // namespace tessera::memory
