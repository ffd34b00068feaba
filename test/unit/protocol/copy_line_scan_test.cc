// SPDX-License-Identifier: Apache-2.0
// Tests of the COPY plain-line scanner against a byte-at-a-time reference.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "protocol/copy_line_scan.h"

namespace tessera::protocol {
namespace {

// The reference: the same contract, one byte at a time.
bool ScanReference(std::string_view data, char delimiter, std::string_view specials, size_t width,
                   std::vector<uint32_t>* field_ends) {
  field_ends->clear();
  for (size_t offset = 0; offset < data.size(); ++offset) {
    const char c = data[offset];
    if (specials.find(c) != std::string_view::npos || c == '\0' || static_cast<unsigned char>(c) >= 0x80) return false;
    if (c != delimiter && c != '\n') continue;
    if (field_ends->size() == width) return false;
    field_ends->push_back(static_cast<uint32_t>(offset));
    if (c == '\n') return field_ends->size() == width;
  }
  return false;
}

TEST_SUITE("PlainLineScanner") {
  TEST_CASE("random lines give the reference's answer and field ends") {
    const uint32_t seed = std::random_device{}();
    CAPTURE(seed);
    std::mt19937 random(seed);
    const std::string alphabet = std::string("aaaaaaaaaa0123456789,,,\t\n\n\"\\\r") + std::string(1, '\0') + "\xc3\xa9";
    struct Options {
      char delimiter;
      std::string specials;
    };
    for (const Options& options : {Options{',', "\"\r\\"}, Options{'\t', "\r\\"}}) {
      const PlainLineScanner scanner(options.delimiter, options.specials);
      for (int trial = 0; trial < 20000; ++trial) {
        std::string line;
        const size_t length = random() % 48;
        for (size_t index = 0; index < length; ++index) line.push_back(alphabet[random() % alphabet.size()]);
        const size_t width = 1 + random() % 5;
        std::vector<uint32_t> expected_ends;
        const bool expected = ScanReference(line, options.delimiter, options.specials, width, &expected_ends);
        std::vector<uint32_t> ends(width + 1, 0);
        CAPTURE(line);
        CAPTURE(width);
        REQUIRE(scanner.Scan(line.data(), line.size(), width, ends.data()) == expected);
        if (expected) CHECK(std::vector<uint32_t>(ends.begin(), ends.begin() + width) == expected_ends);
      }
    }
  }

  TEST_CASE("a line is taken only when its newline lies within the size given") {
    const PlainLineScanner scanner(',', "\"\r\\");
    const std::string line = "12345,678901234,5\nnext";
    uint32_t ends[3];
    CHECK(scanner.Scan(line.data(), line.size(), 3, ends));
    CHECK(ends[0] == 5);
    CHECK(ends[1] == 15);
    CHECK(ends[2] == 17);
    CHECK_FALSE(scanner.Scan(line.data(), 17, 3, ends));  // the newline is just past the end
    CHECK_FALSE(scanner.Scan(line.data(), line.size(), 2, ends));  // one field too many
    CHECK_FALSE(scanner.Scan(line.data(), line.size(), 4, ends));  // one field too few
  }

  TEST_CASE("special bytes at every offset send the line to the general parser") {
    const PlainLineScanner scanner('\t', "\r\\");
    for (const char special : {'\r', '\\', '\0', '\x80', '\xff'}) {
      for (size_t offset = 0; offset < 20; ++offset) {
        std::string line(20, 'x');
        line[offset] = special;
        line += '\n';
        uint32_t end = 0;
        CAPTURE(offset);
        CHECK_FALSE(scanner.Scan(line.data(), line.size(), 1, &end));
        line[offset] = 'y';
        CHECK(scanner.Scan(line.data(), line.size(), 1, &end));
        CHECK(end == 20);
      }
    }
  }
}

}  // namespace
}  // namespace tessera::protocol
