// SPDX-License-Identifier: Apache-2.0
// Tests of UTF-8 validation against PostgreSQL's rules and error wording.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "base/utf8.h"

namespace tessera {
namespace {

TEST_SUITE("Utf8") {
  TEST_CASE("valid text of every sequence length passes") {
    std::vector<std::string> valid = {"", "plain ascii", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9d\x84\x9e",
                                      "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80"};
    for (const std::string& text : valid) {
      CAPTURE(text);
      CHECK(ValidUtf8Prefix(text) == text.size());
      CHECK_NOTHROW(ValidateUtf8(text));
    }
  }

  TEST_CASE("a bad byte or NUL is found at every offset inside long ASCII runs") {
    for (const std::string bad : {std::string("\xff"), std::string(1, '\0'), std::string("\xc3")}) {
      for (size_t offset = 0; offset < 40; ++offset) {
        CAPTURE(offset);
        const std::string text = std::string(offset, 'a') + bad + std::string(40 - offset, 'b');
        CHECK(ValidUtf8Prefix(text) == offset);
        CHECK(ValidUtf8Prefix(std::string(offset, 'a') + "\xc3\xa9" + std::string(17, 'c')) == offset + 19);
      }
    }
  }

  TEST_CASE("invalid sequences are reported with their bytes as PostgreSQL does") {
    struct Case {
      std::string text;
      size_t valid_prefix;
      std::string shown;
    };
    std::vector<Case> cases = {
        {"\x80", 0, "0x80"},
        {"ab\xc0\x80", 2, "0xc0 0x80"},                  // overlong NUL
        {"\xc1\xbf", 0, "0xc1 0xbf"},                    // overlong
        {"\xe0\x80\x80", 0, "0xe0 0x80 0x80"},           // overlong
        {"\xed\xa0\x80", 0, "0xed 0xa0 0x80"},           // surrogate
        {"\xf4\x90\x80\x80", 0, "0xf4 0x90 0x80 0x80"},  // above U+10FFFF
        {"\xf5\x80\x80\x80", 0, "0xf5 0x80 0x80 0x80"},  // invalid lead byte, shown as pg_utf_mblen sizes it
        {"x\xc3", 1, "0xc3"},                            // truncated
        {"\xe2\x82", 0, "0xe2 0x82"},                    // truncated
        {std::string("a\0b", 3), 1, "0x00"},             // NUL
        {"\xff", 0, "0xff"},
        {"\xc3\x28", 0, "0xc3 0x28"},
    };
    for (const Case& test_case : cases) {
      CAPTURE(test_case.shown);
      CHECK(ValidUtf8Prefix(test_case.text) == test_case.valid_prefix);
      try {
        ValidateUtf8(test_case.text);
        FAIL("accepted");
      } catch (const SqlError& error) {
        CHECK(SqlStateCode(error.state()) == "22021");
        CHECK(error.info().message == "invalid byte sequence for encoding \"UTF8\": " + test_case.shown);
      }
    }
  }
}

}  // namespace
}  // namespace tessera
