// SPDX-License-Identifier: Apache-2.0
// File discovery for tessera_slt.
#include "test/slt/test_selection.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

namespace tessera::slt {
namespace fs = std::filesystem;
namespace {

bool IsTestFile(const fs::path& path, bool include_slow) {
  std::string extension = path.extension().string();
  return extension == ".test" || (include_slow && extension == ".test_slow");
}

// Returns PATH relative to BASE when PATH lies inside BASE.
std::optional<std::string> RelativeInside(const fs::path& path, const fs::path& base) {
  std::error_code error;
  fs::path canonical_base = fs::weakly_canonical(base, error);
  if (error) return std::nullopt;
  fs::path relative = fs::weakly_canonical(path, error).lexically_relative(canonical_base);
  if (error || relative.empty() || *relative.begin() == "..") return std::nullopt;
  return relative.generic_string();
}

TestFile MakeFile(const fs::path& path, const std::string& corpus_dir, const std::string& root_dir) {
  if (auto corpus_relative = RelativeInside(path, corpus_dir)) return TestFile{path.string(), *corpus_relative, false};
  if (auto root_relative = RelativeInside(path, root_dir)) return TestFile{path.string(), *root_relative, true};
  return TestFile{path.string(), path.string(), true};
}

std::vector<fs::path> TestFilesUnder(const fs::path& directory, bool include_slow) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (entry.is_regular_file() && IsTestFile(entry.path(), include_slow)) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

std::vector<TestFile> ManifestFiles(const std::string& corpus_dir) {
  const std::string manifest_path = corpus_dir + "/MANIFEST";
  std::ifstream manifest(manifest_path);
  if (!manifest) throw std::runtime_error("cannot read " + manifest_path);
  std::vector<TestFile> files;
  std::string line;
  while (std::getline(manifest, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string relpath = line.substr(0, line.find('\t'));
    files.push_back(TestFile{corpus_dir + "/" + relpath, relpath, false});
  }
  return files;
}

std::vector<TestFile> ProjectFiles(const std::string& sql_dir, const std::string& root_dir, bool include_slow) {
  std::vector<TestFile> files;
  if (!fs::is_directory(sql_dir)) return files;
  for (const auto& path : TestFilesUnder(sql_dir, include_slow)) {
    TestFile file = MakeFile(path, /*corpus_dir=*/"/nonexistent", root_dir);
    file.is_project_test = true;
    files.push_back(std::move(file));
  }
  return files;
}

std::vector<TestFile> NamedFiles(const std::string& name, const std::string& corpus_dir,
                                 const std::string& root_dir, bool include_slow) {
  for (const fs::path& candidate : {fs::path(name), fs::path(corpus_dir) / name, fs::path(root_dir) / name}) {
    if (fs::is_regular_file(candidate)) return {MakeFile(candidate, corpus_dir, root_dir)};
    if (fs::is_directory(candidate)) {
      std::vector<TestFile> files;
      for (const auto& path : TestFilesUnder(candidate, include_slow)) {
        files.push_back(MakeFile(path, corpus_dir, root_dir));
      }
      return files;
    }
  }
  throw std::runtime_error("no such test file or directory: " + name);
}

std::unordered_set<std::string> ReadKnownFailures(const std::string& path) {
  std::unordered_set<std::string> known;
  std::ifstream stream(path);
  std::string line;
  while (std::getline(stream, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line[0] != '#') known.insert(line);
  }
  return known;
}

int64_t ReadFloor(const std::string& path) {
  std::ifstream stream(path);
  if (!stream) throw std::runtime_error("cannot read floor file " + path);
  std::string line;
  while (std::getline(stream, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    return std::stoll(line.substr(start));
  }
  throw std::runtime_error("no number in floor file " + path);
}

}  // namespace tessera::slt
