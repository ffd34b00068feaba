// SPDX-License-Identifier: Apache-2.0
// Formatting of tessera_slt's results.
#include "test/slt/report.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace tessera::slt {
namespace {

std::string Indent(const std::string& text, const std::string& prefix, size_t max_lines) {
  std::string indented;
  size_t start = 0;
  size_t lines = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (++lines > max_lines) {
      indented += prefix + "...\n";
      break;
    }
    indented += prefix + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return indented;
}

// Returns TEXT with its first line as is and the following lines indented under it.
std::string MessageBlock(const std::string& text, size_t max_lines) {
  std::string indented = Indent(text, "    ", max_lines);
  return indented.size() >= 4 ? indented.substr(4) : "\n";
}

std::string Location(const FileOutcome& outcome, int line) {
  return line > 0 ? outcome.relpath + ":" + std::to_string(line) : outcome.relpath;
}

}  // namespace

void Totals::Add(const FileOutcome& outcome) {
  ++files;
  passed += outcome.passed;
  failed += outcome.failed;
  skipped += outcome.skipped;
  known_failed += outcome.known_failed;
  known_passed += outcome.known_passed;
  restarts_skipped += outcome.restarts_skipped;
  if (!outcome.error.empty()) ++file_errors;
}

std::string Totals::Line() const {
  std::string line = std::to_string(passed) + " passed, " + std::to_string(failed) + " failed";
  if (skipped > 0) line += ", " + std::to_string(skipped) + " skipped";
  if (restarts_skipped > 0) line += ", " + std::to_string(restarts_skipped) + " restarts skipped";
  return line;
}

std::string FileLine(const FileOutcome& outcome) {
  return outcome.relpath + " " + std::to_string(outcome.passed) + " passed, " + std::to_string(outcome.failed) +
         " failed, " + std::to_string(outcome.skipped) + " skipped, " +
         std::to_string(outcome.known_failed + outcome.known_passed) + " known" +
         (outcome.restarts_skipped > 0 ? ", " + std::to_string(outcome.restarts_skipped) + " restarts skipped" : "");
}

std::string FailureDetails(const FileOutcome& outcome, int64_t& budget) {
  std::string details;
  if (!outcome.error.empty()) details += Indent("error: " + outcome.error, "  ", 20);
  for (const auto& note : outcome.notes) details += Indent("note: " + note, "  ", 20);
  for (const auto& failure : outcome.failures) {
    if (budget <= 0) break;
    --budget;
    details += "  " + Location(outcome, failure.line) + ": " + MessageBlock(failure.message, 30);
    if (!failure.sql.empty()) details += Indent(failure.sql, "    | ", 8);
  }
  return details;
}

void WriteFailuresFile(const std::string& path, const std::vector<FileOutcome>& outcomes) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error("cannot write " + path);
  std::vector<const FileOutcome*> sorted;
  for (const auto& outcome : outcomes) sorted.push_back(&outcome);
  std::sort(sorted.begin(), sorted.end(), [](auto* left, auto* right) { return left->relpath < right->relpath; });
  for (const FileOutcome* outcome : sorted) {
    if (!outcome->error.empty()) out << outcome->relpath << ": error: " << outcome->error << "\n";
    for (const auto& note : outcome->notes) out << outcome->relpath << ": note: " << note << "\n";
    for (const auto& failure : outcome->failures) {
      out << Location(*outcome, failure.line) << ": " << MessageBlock(failure.message, 1000);
      if (!failure.sql.empty()) out << Indent(failure.sql, "    | ", 1000);
    }
  }
  for (const FileOutcome* outcome : sorted) {
    for (int line : outcome->unexpected_passes) {
      out << Location(*outcome, line) << ": xpass (listed in KNOWN_FAILURES.txt, passed)\n";
    }
  }
}

}  // namespace tessera::slt
