// SPDX-License-Identifier: Apache-2.0
// tessera_slt's output: per-file lines, failure details, totals and the --failures-out file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "test/slt/file_runner.h"

namespace tessera::slt {

struct Totals {
  int64_t files = 0;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
  int64_t known_failed = 0;
  int64_t known_passed = 0;
  int64_t restarts_skipped = 0;
  int64_t file_errors = 0;

  void Add(const FileOutcome& outcome);
  // Returns "N passed, N failed" plus ", N skipped" and ", N restarts skipped" when there were any.
  std::string Line() const;
};

// Returns "<relpath> <passed> passed, <failed> failed, <skipped> skipped, <known> known".
std::string FileLine(const FileOutcome& outcome);

// Returns up to BUDGET failure descriptions of OUTCOME, indented, and lowers BUDGET accordingly.
std::string FailureDetails(const FileOutcome& outcome, int64_t& budget);

// Writes every failure (relpath:line, message, SQL) and every unexpected pass to PATH.
void WriteFailuresFile(const std::string& path, const std::vector<FileOutcome>& outcomes);

}  // namespace tessera::slt
