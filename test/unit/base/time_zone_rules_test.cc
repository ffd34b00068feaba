// SPDX-License-Identifier: Apache-2.0
// Tests the TZif reader and POSIX TZ rules (base/time_zone_rules.h) on known transitions, and the
// TimeZone offsets PostgreSQL 15 gives for local times skipped or repeated at a daylight-saving change.
#include "base/time_zone_rules.h"

#include <doctest/doctest.h>

#include <string>

#include "base/datetime.h"

namespace tessera::datetime {
namespace {

constexpr int64_t kLosAngelesSpring2023 = 1678615200;  // 2023-03-12 10:00 UTC: PST -> PDT
constexpr int64_t kLosAngelesFall2023 = 1699174800;    // 2023-11-05 09:00 UTC: PDT -> PST
constexpr int64_t kLosAngelesSpring2050 = 2530778400;  // 2050-03-13 10:00 UTC, past the table: footer rule
constexpr int64_t kBerlinSpring2023 = 1679792400;      // 2023-03-26 01:00 UTC: CET -> CEST

// Microseconds since 2000-01-01 of Unix seconds.
int64_t Timestamp(int64_t unix_seconds) { return (unix_seconds - 946684800) * kMicrosPerSecond; }

TEST_SUITE("time_zone_rules") {
  TEST_CASE("a TZif zone switches at its known transitions") {
    std::string canonical;
    auto rules = ZoneRules::Load("america/los_angeles", &canonical);
    REQUIRE(rules != nullptr);
    CHECK(canonical == "America/Los_Angeles");
    CHECK(rules->TypeAt(kLosAngelesSpring2023 - 1).abbreviation == "PST");
    CHECK(rules->TypeAt(kLosAngelesSpring2023 - 1).utc_offset == -8 * 3600);
    CHECK(rules->TypeAt(kLosAngelesSpring2023).abbreviation == "PDT");
    CHECK(rules->TypeAt(kLosAngelesSpring2023).is_dst);
    CHECK(rules->TypeAt(kLosAngelesFall2023 - 1).utc_offset == -7 * 3600);
    CHECK(rules->TypeAt(kLosAngelesFall2023).utc_offset == -8 * 3600);
    int64_t next = 0;
    REQUIRE(rules->NextTransition(kLosAngelesSpring2023 - 100000, &next));
    CHECK(next == kLosAngelesSpring2023);
    // Before the first transition: local mean time, -7:52:58.
    CHECK(rules->TypeAt(-5000000000).utc_offset == -(7 * 3600 + 52 * 60 + 58));
    CHECK(rules->TypeAt(-5000000000).abbreviation == "LMT");

    auto berlin = ZoneRules::Load("Europe/Berlin", &canonical);
    REQUIRE(berlin != nullptr);
    CHECK(berlin->TypeAt(kBerlinSpring2023 - 1).abbreviation == "CET");
    CHECK(berlin->TypeAt(kBerlinSpring2023).abbreviation == "CEST");
    CHECK(berlin->TypeAt(kBerlinSpring2023).utc_offset == 2 * 3600);
  }

  TEST_CASE("the POSIX footer carries a zone past its table") {
    std::string canonical;
    auto rules = ZoneRules::Load("America/Los_Angeles", &canonical);
    REQUIRE(rules != nullptr);
    CHECK(rules->TypeAt(kLosAngelesSpring2050 - 1).abbreviation == "PST");
    CHECK(rules->TypeAt(kLosAngelesSpring2050).abbreviation == "PDT");
    int64_t next = 0;
    REQUIRE(rules->NextTransition(kLosAngelesSpring2050 - 1000, &next));
    CHECK(next == kLosAngelesSpring2050);
  }

  TEST_CASE("POSIX TZ strings") {
    auto us = ZoneRules::FromPosix("PST8PDT,M3.2.0,M11.1.0");
    REQUIRE(us != nullptr);
    CHECK(us->TypeAt(kLosAngelesSpring2023 - 1).abbreviation == "PST");
    CHECK(us->TypeAt(kLosAngelesSpring2023).abbreviation == "PDT");
    CHECK(us->TypeAt(kLosAngelesFall2023).utc_offset == -8 * 3600);
    // Daylight saving without rules: the US rules.
    auto implied = ZoneRules::FromPosix("EST5EDT");
    REQUIRE(implied != nullptr);
    CHECK(implied->TypeAt(kLosAngelesSpring2023).abbreviation == "EDT");
    auto europe = ZoneRules::FromPosix("CET-1CEST,M3.5.0,M10.5.0/3");
    REQUIRE(europe != nullptr);
    CHECK(europe->TypeAt(kBerlinSpring2023).abbreviation == "CEST");
    auto fixed = ZoneRules::FromPosix("<+0530>-5:30");
    REQUIRE(fixed != nullptr);
    CHECK(fixed->TypeAt(0).utc_offset == 5 * 3600 + 30 * 60);
    CHECK(fixed->TypeAt(0).abbreviation == "+0530");
    CHECK(ZoneRules::FromPosix("PST8PDT,M3.2.0") == nullptr);
    CHECK(ZoneRules::FromPosix("X1") == nullptr);
  }

  TEST_CASE("malformed TZif data and unknown zones are refused") {
    CHECK(ZoneRules::FromTzif("") == nullptr);
    CHECK(ZoneRules::FromTzif("TZif2") == nullptr);
    std::string canonical;
    CHECK(ZoneRules::Load("Nowhere/Special", &canonical) == nullptr);
    CHECK(ZoneRules::Load("../etc/passwd", &canonical) == nullptr);
    CHECK(ZoneRules::Load("/etc/passwd", &canonical) == nullptr);
  }

  TEST_CASE("local times at a change resolve as in PostgreSQL") {
    TimeZone zone = ParseTimeZone("America/Los_Angeles");
    CHECK(zone.name == "America/Los_Angeles");
    // 2023-03-12 02:30 does not exist: read with the offset before the change (PST).
    CHECK(zone.OffsetForLocal(Timestamp(kLosAngelesSpring2023 - 8 * 3600 + 1800)) == -8 * 3600);
    // 2023-11-05 01:30 happens twice: the later reading (PST).
    CHECK(zone.OffsetForLocal(Timestamp(kLosAngelesFall2023 - 8 * 3600 + 1800)) == -8 * 3600);
    CHECK(zone.OffsetForLocal(Timestamp(kLosAngelesFall2023 - 8 * 3600 - 7200)) == -7 * 3600);
    CHECK(FormatTimestampTz(Timestamp(kLosAngelesSpring2023), zone) == "2023-03-12 03:00:00-07");
    DateTimeStyle postgres;
    postgres.date_style = DateStyle::kPostgres;
    CHECK(FormatTimestampTz(Timestamp(kLosAngelesSpring2023 - 1), zone, postgres) == "Sun Mar 12 01:59:59 2023 PST");
    CHECK(ParseTimestampTz("2023-07-01 12:00", zone) == Timestamp(1688238000));
  }
}

}  // namespace
}  // namespace tessera::datetime
