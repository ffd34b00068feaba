// SPDX-License-Identifier: Apache-2.0
// Finds the files to run: the corpus MANIFEST, the project's test/sql tree, or files named by the user.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "test/slt/file_runner.h"

namespace tessera::slt {

// Returns the corpus files listed in CORPUS_DIR/MANIFEST (first tab-separated field, '#' comments).
// Throws std::runtime_error when the MANIFEST cannot be read.
std::vector<TestFile> ManifestFiles(const std::string& corpus_dir);

// Returns the project's *.test files under SQL_DIR (and *.test_slow when INCLUDE_SLOW), sorted, with
// paths relative to ROOT_DIR.
std::vector<TestFile> ProjectFiles(const std::string& sql_dir, const std::string& root_dir, bool include_slow);

// Resolves a user-named file or directory: as given, else relative to CORPUS_DIR, else to ROOT_DIR.
// Files under CORPUS_DIR are corpus files; all others are project tests. Throws if nothing is found.
std::vector<TestFile> NamedFiles(const std::string& name, const std::string& corpus_dir,
                                 const std::string& root_dir, bool include_slow);

// Returns the "relpath:line" entries of a KNOWN_FAILURES.txt file ('#' comments); empty if absent.
std::unordered_set<std::string> ReadKnownFailures(const std::string& path);

// Returns the first integer on a non-comment line of a floor file. Throws if there is none.
int64_t ReadFloor(const std::string& path);

}  // namespace tessera::slt
