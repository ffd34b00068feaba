// SPDX-License-Identifier: Apache-2.0
// TimeZone settings ('UTC', 'Etc/GMT+3', POSIX 'UTC+3', numeric hours, tz database zones such as
// 'America/Los_Angeles') and the zone abbreviations accepted in timestamptz input, with PostgreSQL 15's
// offsets and names.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "base/datetime_internal.h"
#include "base/time_zone_rules.h"

namespace tessera::datetime {
namespace {

struct ZoneAbbreviation {
  std::string_view token;  // lower case, sorted
  int32_t offset_seconds;  // east of UTC
  bool is_dst;
};

// A subset of PostgreSQL's 'Default' timezone_abbreviations with fixed offsets.
constexpr ZoneAbbreviation kZoneAbbreviations[] = {
    {"acdt", 37800, true},  {"acst", 34200, false}, {"adt", -10800, true},   {"aedt", 39600, true},
    {"aest", 36000, false}, {"akdt", -28800, true}, {"akst", -32400, false}, {"ast", -14400, false},
    {"awst", 28800, false}, {"bst", 3600, true},    {"cdt", -18000, true},   {"cest", 7200, true},
    {"cet", 3600, false},   {"cst", -21600, false}, {"eat", 10800, false},   {"edt", -14400, true},
    {"eest", 10800, true},  {"eet", 7200, false},   {"est", -18000, false},  {"gmt", 0, false},
    {"hkt", 28800, false},  {"hst", -36000, false}, {"ict", 25200, false},   {"ist", 7200, false},
    {"jst", 32400, false},  {"kst", 32400, false},  {"mdt", -21600, true},   {"mest", 7200, true},
    {"met", 3600, false},   {"msk", 10800, false},  {"mst", -25200, false},  {"ndt", -9000, true},
    {"nst", -12600, false}, {"nzdt", 46800, true},  {"nzst", 43200, false},  {"pdt", -25200, true},
    {"pkt", 18000, false},  {"pst", -28800, false}, {"sast", 7200, false},   {"sgt", 28800, false},
    {"ut", 0, false},       {"utc", 0, false},      {"wat", 3600, false},    {"wet", 0, false},
    {"z", 0, false},        {"zulu", 0, false},
};
static_assert(std::is_sorted(std::begin(kZoneAbbreviations), std::end(kZoneAbbreviations),
                             [](const ZoneAbbreviation& a, const ZoneAbbreviation& b) { return a.token < b.token; }));

struct FixedZone {
  std::string_view name;  // as /usr/share/zoneinfo spells it
  int32_t offset_seconds;
  std::string_view abbreviation;
};

// Zone files whose offset never changed, answered without reading the tz database.
constexpr FixedZone kFixedZones[] = {
    {"UTC", 0, "UTC"},       {"Etc/UTC", 0, "UTC"},       {"UCT", 0, "UTC"},      {"Etc/UCT", 0, "UTC"},
    {"Universal", 0, "UTC"}, {"Etc/Universal", 0, "UTC"}, {"Zulu", 0, "UTC"},     {"Etc/Zulu", 0, "UTC"},
    {"GMT", 0, "GMT"},       {"Etc/GMT", 0, "GMT"},       {"GMT0", 0, "GMT"},     {"Etc/GMT0", 0, "GMT"},
    {"GMT+0", 0, "GMT"},     {"Etc/GMT+0", 0, "GMT"},     {"GMT-0", 0, "GMT"},    {"Etc/GMT-0", 0, "GMT"},
    {"Greenwich", 0, "GMT"}, {"Etc/Greenwich", 0, "GMT"}, {"EST", -18000, "EST"}, {"MST", -25200, "MST"},
    {"HST", -36000, "HST"},
};

constexpr int64_t kMaxZoneHours = 168;  // PostgreSQL accepts offsets below one week

// Formats an offset east of UTC as PostgreSQL names unnamed zones: "+05", "-03:30", "+05:30:15".
std::string FormatOffsetName(int64_t offset_seconds) {
  int64_t absolute = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char buffer[48];
  int length = std::snprintf(buffer, sizeof(buffer), "%c%02lld", offset_seconds < 0 ? '-' : '+',
                             static_cast<long long>(absolute / 3600));
  if (absolute % 3600 != 0) {
    length += std::snprintf(buffer + length, sizeof(buffer) - length, ":%02lld",
                            static_cast<long long>(absolute % 3600 / 60));
    if (absolute % 60 != 0) {
      std::snprintf(buffer + length, sizeof(buffer) - length, ":%02lld", static_cast<long long>(absolute % 60));
    }
  }
  return buffer;
}

// Unix seconds of a timestamp (microseconds since 2000-01-01), rounded down.
int64_t UnixSeconds(int64_t timestamp) {
  constexpr int64_t kUnixEpochSeconds = 946684800;
  return timestamp / kMicrosPerSecond - (timestamp % kMicrosPerSecond < 0 ? 1 : 0) + kUnixEpochSeconds;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return ToLowerAscii(a) == ToLowerAscii(b); }

struct ResolvedZone {
  int32_t offset_seconds;
  std::string name;
  std::string abbreviation;
};

// Resolves "Etc/GMT+3" (POSIX sign: 3 hours west) and the fixed zone files.
std::optional<ResolvedZone> ResolveZoneFile(std::string_view text) {
  for (const FixedZone& zone : kFixedZones) {
    if (EqualsIgnoreCase(text, zone.name)) {
      return ResolvedZone{zone.offset_seconds, std::string(zone.name), std::string(zone.abbreviation)};
    }
  }
  std::string lower = ToLowerAscii(text);
  if (lower.size() < 9 || lower.compare(0, 7, "etc/gmt") != 0 || (lower[7] != '+' && lower[7] != '-')) {
    return std::nullopt;
  }
  std::string_view digits = std::string_view(lower).substr(8);
  if (digits.empty() || digits.size() > 2 || !std::all_of(digits.begin(), digits.end(), ::isdigit) ||
      (digits.size() == 2 && digits[0] == '0')) {
    return std::nullopt;
  }
  int hours = std::atoi(std::string(digits).c_str());
  if ((lower[7] == '+' && hours > 12) || (lower[7] == '-' && hours > 14)) return std::nullopt;
  int32_t offset = (lower[7] == '+' ? -hours : hours) * 3600;
  return ResolvedZone{offset, "Etc/GMT" + std::string(1, lower[7]) + std::string(digits), FormatOffsetName(offset)};
}

// Parses a POSIX "STDoffset" zone without daylight-saving rules: "UTC+3", "<+05>-05", "+02:00", "XYZ-5:30".
// The offset is hours west of UTC. PostgreSQL shows such zones upper-cased.
std::optional<ResolvedZone> ResolvePosixZone(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t pos = 0;
  std::string abbreviation;
  if (!upper.empty() && upper[0] == '<') {
    size_t close = upper.find('>');
    if (close == std::string::npos) return std::nullopt;
    abbreviation = upper.substr(1, close - 1);
    if (abbreviation.empty()) return std::nullopt;
    pos = close + 1;
  } else {
    while (pos < upper.size() && !std::isdigit(static_cast<unsigned char>(upper[pos])) && upper[pos] != ',' &&
           upper[pos] != '-' && upper[pos] != '+') {
      if (std::isspace(static_cast<unsigned char>(upper[pos]))) return std::nullopt;
      ++pos;
    }
    abbreviation = upper.substr(0, pos);
  }
  int sign = 1;
  if (pos < upper.size() && (upper[pos] == '+' || upper[pos] == '-')) {
    if (upper[pos] == '-') sign = -1;
    ++pos;
  }
  // hh[:mm[:ss]]
  int64_t parts[3] = {0, 0, 0};
  for (int part = 0; part < 3; ++part) {
    size_t start = pos;
    while (pos < upper.size() && std::isdigit(static_cast<unsigned char>(upper[pos])) && pos - start < 3) {
      parts[part] = parts[part] * 10 + (upper[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    if (pos == upper.size() || upper[pos] != ':' || part == 2) break;
    ++pos;
  }
  if (pos != upper.size()) return std::nullopt;  // daylight-saving rules are not supported
  if (parts[0] >= kMaxZoneHours || parts[1] > 59 || parts[2] != 0) return std::nullopt;
  int64_t west = sign * (parts[0] * 3600 + parts[1] * 60);
  return ResolvedZone{static_cast<int32_t>(-west), upper, abbreviation};
}

std::optional<ResolvedZone> ResolveZone(std::string_view text) {
  if (auto zone = ResolveZoneFile(text)) return zone;
  return ResolvePosixZone(text);
}

[[noreturn]] void ThrowInvalidTimeZone(std::string_view text) {
  throw SqlError(SqlState::kInvalidParameterValue,
                 "invalid value for parameter \"TimeZone\": \"" + std::string(text) + "\"");
}

}  // namespace

TimeZone ParseTimeZone(std::string_view text) {
  // A plain number is hours EAST of UTC (SQL sign convention), unlike the POSIX forms below.
  std::string copy(text);
  char* end = nullptr;
  double hours = copy.empty() ? 0 : std::strtod(copy.c_str(), &end);
  if (!copy.empty() && end != copy.c_str() && *end == '\0') {
    double seconds = hours * 3600;
    if (!std::isfinite(seconds) || std::fabs(seconds) >= kMaxZoneHours * 3600) {
      throw SqlError(SqlState::kInvalidParameterValue, "invalid value for parameter \"TimeZone\": \"" + copy + "\"")
          .WithDetail("UTC timezone offset is out of range.");
    }
    int32_t offset = static_cast<int32_t>(seconds);
    // PostgreSQL names the zone in POSIX form, e.g. "<+05>-05" for 5 hours east.
    std::string magnitude = FormatOffsetName(offset < 0 ? -offset : offset).substr(1);
    return TimeZone{offset, offset < 0 ? "<-" + magnitude + ">+" + magnitude : "<+" + magnitude + ">-" + magnitude};
  }
  if (auto zone = ResolveZoneFile(text)) return TimeZone{zone->offset_seconds, zone->name, nullptr};
  std::string canonical;
  if (auto rules = ZoneRules::Load(text, &canonical)) return TimeZone{0, canonical, rules};
  if (auto zone = ResolvePosixZone(text)) return TimeZone{zone->offset_seconds, zone->name, nullptr};
  if (auto rules = ZoneRules::FromPosix(text)) return TimeZone{0, std::string(text), rules};
  ThrowInvalidTimeZone(text);
}

int32_t TimeZone::OffsetAt(int64_t timestamp) const {
  if (rules == nullptr) return offset_seconds;
  return rules->TypeAt(UnixSeconds(timestamp)).utc_offset;
}

// PostgreSQL's DetermineTimeZoneOffset: find the transition near the local time and decide which side
// of it the local time belongs to.
int32_t TimeZone::OffsetForLocal(int64_t local) const {
  if (rules == nullptr) return offset_seconds;
  const int64_t local_seconds = UnixSeconds(local);
  // Offsets stay below a day and transitions are days apart, so the transition that matters is the first
  // one after a day before.
  const int64_t previous = local_seconds - kSecondsPerDay;
  const int32_t before = rules->TypeAt(previous).utc_offset;
  int64_t boundary = 0;
  if (!rules->NextTransition(previous, &boundary)) return before;
  const int32_t after = rules->TypeAt(boundary).utc_offset;
  const int64_t before_time = local_seconds - before;
  const int64_t after_time = local_seconds - after;
  if (before_time < boundary && after_time < boundary) return before;
  if (before_time >= boundary && after_time >= boundary) return after;
  // In the hour skipped or repeated: the "before" reading for a gap, the "after" reading for an overlap.
  return before_time > after_time ? before : after;
}

std::string TimeZone::AbbreviationAt(int64_t timestamp) const {
  if (rules == nullptr) return TimeZoneAbbreviation(*this);
  return rules->TypeAt(UnixSeconds(timestamp)).abbreviation;
}

std::string TimeZoneAbbreviation(const TimeZone& zone) {
  if (zone.name.size() > 2 && zone.name[0] == '<') {
    size_t close = zone.name.find('>');
    if (close != std::string::npos) return zone.name.substr(1, close - 1);
  }
  auto resolved = ResolveZone(zone.name);
  if (resolved && resolved->offset_seconds == zone.offset_seconds) return resolved->abbreviation;
  return FormatOffsetName(zone.offset_seconds);
}

bool LookupZoneAbbreviation(std::string_view lower_word, int32_t* offset_seconds, bool* is_dst) {
  auto it = std::lower_bound(std::begin(kZoneAbbreviations), std::end(kZoneAbbreviations), lower_word,
                             [](const ZoneAbbreviation& zone, std::string_view key) { return zone.token < key; });
  if (it == std::end(kZoneAbbreviations) || it->token != lower_word) return false;
  *offset_seconds = it->offset_seconds;
  *is_dst = it->is_dst;
  return true;
}

std::optional<TimeZone> LookupZoneName(std::string_view name) {
  if (auto zone = ResolveZoneFile(name)) return TimeZone{zone->offset_seconds, zone->name, nullptr};
  std::string canonical;
  if (auto rules = ZoneRules::Load(name, &canonical)) return TimeZone{0, canonical, rules};
  if (auto zone = ResolvePosixZone(name)) return TimeZone{zone->offset_seconds, zone->name, nullptr};
  return std::nullopt;
}

}  // namespace tessera::datetime
