// SPDX-License-Identifier: Apache-2.0
// Md5 against RFC 1321's test suite, and sqllogictest's value hash.
#include "base/md5.h"

#include <doctest/doctest.h>

#include <string>

#include "test/slt/result_compare.h"

namespace tessera::slt {

TEST_SUITE("Md5") {
  TEST_CASE("digests match the RFC 1321 test suite") {
    struct Case {
      std::string input;
      std::string digest;
    };
    const Case cases[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (const auto& test_case : cases) {
      Md5 whole;
      whole.Update(test_case.input);
      CHECK(whole.HexDigest() == test_case.digest);
      Md5 bytewise;
      for (char c : test_case.input) bytewise.Update(std::string_view(&c, 1));
      CHECK(bytewise.HexDigest() == test_case.digest);
    }
  }

  TEST_CASE("HashValues hashes each value followed by a newline") {
    Md5 expected;
    expected.Update("1\nNULL\n");
    CHECK(HashValues({"1", "NULL"}) == expected.HexDigest());
  }
}

}  // namespace tessera::slt
