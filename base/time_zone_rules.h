// SPDX-License-Identifier: Apache-2.0
// ZoneRules: a time zone of the tz database read from a TZif file (RFC 8536: transition table plus the
// POSIX TZ footer for later instants), or from a POSIX TZ string such as "PST8PDT,M3.2.0,M11.1.0".
// Instants here are Unix seconds.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::datetime {

struct LocalTimeType {
  int32_t utc_offset = 0;  // seconds east of UTC
  bool is_dst = false;
  std::string abbreviation;
};

// When a POSIX rule switches: month/week/day-of-week ("M3.2.0"), a day 1..365 without Feb 29 ("J60"),
// or a zero-based day of the year counting Feb 29 ("59"); `time` is local seconds after midnight.
struct RuleDate {
  enum class Kind { kMonthWeekDay, kJulianNoLeap, kDayOfYear } kind = Kind::kMonthWeekDay;
  int month = 0;
  int week = 0;
  int day = 0;  // day of week for kMonthWeekDay, else the day number
  int32_t time = 7200;
};

class ZoneRules {
 public:
  // Parses TZif data (versions 1 to 4); nullptr when malformed.
  static std::shared_ptr<const ZoneRules> FromTzif(std::string_view data);
  // Parses a POSIX TZ string ("EST5EDT", "<+0330>-3:30", "CET-1CEST,M3.5.0,M10.5.0/3"); nullptr when
  // malformed. Daylight saving without rules follows the US rules, as PostgreSQL's "posixrules" default.
  static std::shared_ptr<const ZoneRules> FromPosix(std::string_view text);
  // Loads the zone `name` from the system tz database (/usr/share/zoneinfo), matching the path case-
  // insensitively; sets `canonical_name` to its spelling there. Loaded zones are cached. nullptr when
  // there is no such zone.
  static std::shared_ptr<const ZoneRules> Load(std::string_view name, std::string* canonical_name);

  // The local time type in effect at `unix_seconds`.
  const LocalTimeType& TypeAt(int64_t unix_seconds) const;
  // The first change of local time type strictly after `unix_seconds`; false when there is none.
  bool NextTransition(int64_t unix_seconds, int64_t* transition) const;

 private:
  // The POSIX rule's switch instants (UTC) into and out of daylight saving in `year`.
  void RuleTransitions(int64_t year, int64_t* dst_start, int64_t* dst_end) const;
  const LocalTimeType& RuleTypeAt(int64_t unix_seconds) const;
  bool RuleNextTransition(int64_t unix_seconds, int64_t* transition) const;

  std::vector<int64_t> transitions_;      // ascending
  std::vector<uint8_t> transition_types_;  // index into types_ per transition
  std::vector<LocalTimeType> types_;
  // POSIX rule for instants after the table (TZif footer) or for the whole zone (FromPosix).
  bool has_rule_ = false;
  LocalTimeType standard_;
  std::optional<LocalTimeType> daylight_;
  RuleDate dst_start_;
  RuleDate dst_end_;
};

}  // namespace tessera::datetime
