// SPDX-License-Identifier: Apache-2.0
// tessera_slt: runs sqllogictest files over the PostgreSQL wire protocol, against tessera servers it
// starts itself (--server) or an existing server (--connect). See test/slt/README.md.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "test/slt/cluster_target.h"
#include "test/slt/database_target.h"
#include "test/slt/file_runner.h"
#include "test/slt/report.h"
#include "test/slt/test_selection.h"

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera::slt {
namespace {

constexpr const char* kUsage = R"(usage: tessera_slt [--server PATH | --connect CONNINFO] [what to run] [options]

Target (default: --server <root>/build/tessera):
  --server PATH           start PATH --port N --data-dir DIR, a fresh server per file
  --cluster N             with --server: start a coordinator and N registered workers per file (every
                          table the file creates is distributed) and run the file on the coordinator
  --server-options OPTS   extra libpq keywords for connections to own servers ("user=x dbname=y")
  --server-flag F         pass F to own servers after --port and --data-dir (repeatable), e.g.
                          --server-flag --flush-rows=1 to run with every table flushed to segments
  --connect CONNINFO      use an existing server; each file gets a fresh scratch database
  --restart-command CMD   with --connect: run `sh -c CMD` for restart records (TESSERA_SLT_RESTART is
                          clean or kill); without it restart records are reported as skipped
What to run (default: the project's test/sql files and the corpus MANIFEST):
  --manifest              the files listed in <corpus>/MANIFEST
  --sql                   the project's tests, <root>/test/sql/**/*.test
  --files F...            these files or directories (relative to cwd, <corpus> or <root>)
Options:
  --root DIR              repository root (default: the source tree this binary was built from)
  --corpus DIR            corpus directory (default: <root>/../shared/conformance/slt)
  --known-failures FILE   default <corpus>/KNOWN_FAILURES.txt; --no-known-failures to ignore it
  --jobs N                run N files in parallel, each job on its own server/database (default 1)
  --timeout S             per-record time limit in seconds (default 10)
  --time-budget S         corpus records not started S seconds after the start fail unrun
  --floor FILE            exit non-zero when corpus records passed < the number in FILE
  --failures-out FILE     write every failed record (relpath:line, message, SQL) to FILE
  --max-failures-shown N  failure details printed on the console (default 10)
  --slow                  also run *.test_slow files
  --engine NAME           engine name for skipif/onlyif (default postgresql)
Exit status: 0 when every project test passes and the floor holds, 1 otherwise, 2 on usage errors.
)";

struct Options {
  std::string server_binary;
  std::vector<std::string> server_flags;
  int cluster_workers = 0;  // 0: one embedded server per file
  std::string server_options;
  std::string connect;
  std::string restart_command;
  std::string root = TESSERA_SOURCE_DIR;
  std::string corpus;
  std::string known_failures;
  bool use_known_failures = true;
  bool run_manifest = false;
  bool run_sql = false;
  std::vector<std::string> files;
  int jobs = 1;
  double timeout_seconds = 10;
  double time_budget_seconds = 0;  // 0: unlimited
  std::string floor_file;
  std::string failures_out;
  int64_t max_failures_shown = 10;
  bool include_slow = false;
  std::string engine = "postgresql";
};

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "tessera_slt: %s\n\n%s", message.c_str(), kUsage);
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  auto value = [&](int& index) -> std::string {
    if (index + 1 >= argc) UsageError(std::string(argv[index]) + " needs a value");
    return argv[++index];
  };
  for (int index = 1; index < argc; ++index) {
    std::string arg = argv[index];
    if (arg == "--server") options.server_binary = value(index);
    else if (arg == "--cluster") options.cluster_workers = std::atoi(value(index).c_str());
    else if (arg == "--server-options") options.server_options = value(index);
    else if (arg == "--server-flag") options.server_flags.push_back(value(index));
    else if (arg == "--connect") options.connect = value(index);
    else if (arg == "--restart-command") options.restart_command = value(index);
    else if (arg == "--root") options.root = value(index);
    else if (arg == "--corpus") options.corpus = value(index);
    else if (arg == "--known-failures") options.known_failures = value(index);
    else if (arg == "--no-known-failures") options.use_known_failures = false;
    else if (arg == "--manifest") options.run_manifest = true;
    else if (arg == "--sql") options.run_sql = true;
    else if (arg == "--files") {
      while (index + 1 < argc && std::string(argv[index + 1]).rfind("--", 0) != 0) options.files.push_back(argv[++index]);
      if (options.files.empty()) UsageError("--files needs file names");
    } else if (arg == "--jobs") options.jobs = std::max(1, std::atoi(value(index).c_str()));
    else if (arg == "--timeout") options.timeout_seconds = std::atof(value(index).c_str());
    else if (arg == "--time-budget") options.time_budget_seconds = std::atof(value(index).c_str());
    else if (arg == "--floor") options.floor_file = value(index);
    else if (arg == "--failures-out") options.failures_out = value(index);
    else if (arg == "--max-failures-shown") options.max_failures_shown = std::atoll(value(index).c_str());
    else if (arg == "--slow") options.include_slow = true;
    else if (arg == "--engine") options.engine = value(index);
    else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else UsageError("unknown option " + arg);
  }
  if (options.corpus.empty()) options.corpus = options.root + "/../shared/conformance/slt";
  if (options.known_failures.empty()) options.known_failures = options.corpus + "/KNOWN_FAILURES.txt";
  if (!options.server_binary.empty() && !options.connect.empty()) UsageError("--server and --connect exclude each other");
  if (!options.restart_command.empty() && options.connect.empty()) UsageError("--restart-command needs --connect");
  if (options.server_binary.empty() && options.connect.empty()) options.server_binary = options.root + "/build/tessera";
  if (options.cluster_workers < 0 || (options.cluster_workers > 0 && !options.connect.empty())) {
    UsageError("--cluster needs a positive worker count and excludes --connect");
  }
  if (options.timeout_seconds <= 0) UsageError("--timeout must be positive");
  return options;
}

std::vector<TestFile> SelectFiles(const Options& options) {
  const bool default_selection = !options.run_manifest && !options.run_sql && options.files.empty();
  std::vector<TestFile> files;
  if (options.run_sql || default_selection) {
    auto project = ProjectFiles(options.root + "/test/sql", options.root, options.include_slow);
    files.insert(files.end(), project.begin(), project.end());
  }
  if (options.run_manifest || default_selection) {
    auto manifest = ManifestFiles(options.corpus);
    files.insert(files.end(), manifest.begin(), manifest.end());
  }
  for (const auto& name : options.files) {
    auto named = NamedFiles(name, options.corpus, options.root, options.include_slow);
    files.insert(files.end(), named.begin(), named.end());
  }
  return files;
}

// Orders work so that project tests run first, then the largest corpus files (they bound the
// parallel run time).
std::vector<size_t> ScheduleOrder(const std::vector<TestFile>& files) {
  std::vector<std::pair<std::uintmax_t, size_t>> keyed;
  for (size_t index = 0; index < files.size(); ++index) {
    std::uintmax_t size = UINTMAX_MAX;
    if (!files[index].is_project_test) {
      std::error_code error;
      size = std::filesystem::file_size(files[index].path, error);
      if (error) size = 0;
    }
    keyed.emplace_back(size, index);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& left, const auto& right) { return left.first > right.first; });
  std::vector<size_t> order;
  for (const auto& entry : keyed) order.push_back(entry.second);
  return order;
}

std::string MakeWorkDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/tessera-slt-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  return pattern;
}

// The target runner job JOB runs its files on: an existing server, a cluster, or a server per file.
std::unique_ptr<DatabaseTarget> MakeTarget(const Options& options, const std::string& job_dir, int job) {
  if (!options.connect.empty()) {
    return MakeExistingServerTarget(options.connect, "tessera_slt_" + std::to_string(::getpid()) + "_" + std::to_string(job),
                                    options.restart_command);
  }
  if (options.cluster_workers > 0) {
    return MakeClusterTarget(options.server_binary, options.cluster_workers, job_dir, options.server_options,
                             options.server_flags);
  }
  return MakeOwnServerTarget(options.server_binary, job_dir, options.server_options, options.server_flags);
}

// Runs FILES on OPTIONS.jobs workers; prints each file's line as it finishes.
std::vector<FileOutcome> RunAll(const std::vector<TestFile>& files, const Options& options,
                                const RunOptions& run_options, const std::string& work_dir) {
  std::vector<FileOutcome> outcomes(files.size());
  const std::vector<size_t> order = ScheduleOrder(files);
  std::atomic<size_t> next{0};
  std::mutex output_mutex;
  int64_t failure_budget = options.max_failures_shown;
  auto worker = [&](int job) {
    std::unique_ptr<DatabaseTarget> target = MakeTarget(options, work_dir + "/job-" + std::to_string(job), job);
    for (size_t position = next++; position < order.size(); position = next++) {
      const size_t index = order[position];
      outcomes[index] = RunFile(files[index], *target, run_options);
      std::lock_guard lock(output_mutex);
      std::string text = FileLine(outcomes[index]) + "\n" + FailureDetails(outcomes[index], failure_budget);
      std::fputs(text.c_str(), stdout);
      std::fflush(stdout);
    }
  };
  std::vector<std::thread> threads;
  const int num_jobs = std::min<int>(options.jobs, std::max<size_t>(files.size(), 1));
  for (int job = 0; job < num_jobs; ++job) threads.emplace_back(worker, job);
  for (auto& thread : threads) thread.join();
  return outcomes;
}

int Main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  const Options options = ParseOptions(argc, argv);
  if (options.connect.empty() && ::access(options.server_binary.c_str(), X_OK) != 0) {
    UsageError("server binary " + options.server_binary + " is not executable (build it, or pass --server/--connect)");
  }
  std::vector<TestFile> files;
  try {
    files = SelectFiles(options);
  } catch (const std::exception& error) {
    UsageError(error.what());
  }
  const std::unordered_set<std::string> known =
      options.use_known_failures ? ReadKnownFailures(options.known_failures) : std::unordered_set<std::string>{};
  RunOptions run_options;
  run_options.timeout = std::chrono::milliseconds(static_cast<int64_t>(options.timeout_seconds * 1000));
  run_options.engine_name = options.engine;
  run_options.known_failures = &known;

  const std::string work_dir = options.connect.empty() ? MakeWorkDir() : "";
  const auto start = std::chrono::steady_clock::now();
  if (options.time_budget_seconds > 0) {
    run_options.corpus_deadline =
        start + std::chrono::milliseconds(static_cast<int64_t>(options.time_budget_seconds * 1000));
  }
  std::vector<FileOutcome> outcomes = RunAll(files, options, run_options, work_dir);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!work_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
  }

  Totals project, corpus;
  for (const auto& outcome : outcomes) (outcome.is_project_test ? project : corpus).Add(outcome);
  if (!options.failures_out.empty()) WriteFailuresFile(options.failures_out, outcomes);

  int exit_code = 0;
  if (project.files > 0) {
    std::printf("project tests: %lld files, %s\n", static_cast<long long>(project.files), project.Line().c_str());
    if (project.failed > 0 || project.file_errors > 0) exit_code = 1;
  }
  if (corpus.files > 0) {
    std::printf("corpus: %lld files, %s, %lld known (%lld xfail, %lld xpass), %.0f s\n",
                static_cast<long long>(corpus.files), corpus.Line().c_str(),
                static_cast<long long>(corpus.known_failed + corpus.known_passed),
                static_cast<long long>(corpus.known_failed), static_cast<long long>(corpus.known_passed), seconds);
  }
  if (!options.floor_file.empty()) {
    const int64_t floor = ReadFloor(options.floor_file);
    const bool held = corpus.passed >= floor;
    std::printf("floor %s: corpus passed %lld, floor %lld (%s)\n", held ? "held" : "BROKEN",
                static_cast<long long>(corpus.passed), static_cast<long long>(floor), options.floor_file.c_str());
    if (!held) exit_code = 1;
  }
  std::printf("%s\n", (corpus.files > 0 ? corpus : project).Line().c_str());
  return exit_code;
}

}  // namespace
}  // namespace tessera::slt

int main(int argc, char** argv) {
  try {
    return tessera::slt::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "tessera_slt: %s\n", error.what());
    return 2;
  }
}
