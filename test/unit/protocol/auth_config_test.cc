// SPDX-License-Identifier: Apache-2.0
// Tests of AuthConfig: who needs a password, mock secrets, and the password and cluster secret files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "protocol/auth_config.h"

namespace tessera::protocol {
namespace {

// A file with `contents` in the temporary directory, removed again by the destructor.
class TempFile {
 public:
  explicit TempFile(const std::string& contents)
      : path_(std::filesystem::temp_directory_path() /
              ("tessera_auth_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    std::ofstream(path_, std::ios::binary) << contents;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

bool Verifies(const scram::Secret& secret, std::string_view password) {
  return scram::MakeSecret(password, secret.salt, secret.iterations).stored_key == secret.stored_key;
}

TEST_SUITE("AuthConfig") {
  TEST_CASE("trust asks only the cluster user for a password") {
    AuthConfig config;
    CHECK_FALSE(config.RequiresPassword("alice"));
    CHECK(config.RequiresPassword("tessera_cluster"));
    CHECK(config.FindSecret("tessera_cluster") == nullptr);
    config.SetClusterSecret("s3cret");
    REQUIRE(config.FindSecret("tessera_cluster") != nullptr);
    CHECK(Verifies(*config.FindSecret("tessera_cluster"), "s3cret"));
    config.set_method(AuthMethod::kScramSha256);
    CHECK(config.RequiresPassword("alice"));
  }

  TEST_CASE("mock secrets keep their salt per user and differ between users") {
    AuthConfig config;
    CHECK(config.MockSecret("nobody").salt == config.MockSecret("nobody").salt);
    CHECK(config.MockSecret("nobody").salt != config.MockSecret("somebody").salt);
    CHECK(config.MockSecret("nobody").salt.size() == scram::kSaltLength);
    CHECK(AuthConfig().MockSecret("nobody").salt != config.MockSecret("nobody").salt);
  }

  TEST_CASE("the password file gives each user a salted secret") {
    TempFile file("# comment\n\nalice:secret\r\nbob:pa:ss word\ncarol: \n");
    AuthConfig config;
    REQUIRE(ReadPasswordFile(file.path(), &config).ok());
    REQUIRE(config.FindSecret("alice") != nullptr);
    CHECK(Verifies(*config.FindSecret("alice"), "secret"));
    CHECK_FALSE(Verifies(*config.FindSecret("alice"), "secret\r"));
    CHECK(Verifies(*config.FindSecret("bob"), "pa:ss word"));
    CHECK(Verifies(*config.FindSecret("carol"), " "));
    CHECK(config.FindSecret("# comment") == nullptr);
    CHECK(config.FindSecret("alice")->salt != config.FindSecret("bob")->salt);
  }

  TEST_CASE("bad password files are reported with their line") {
    struct Case {
      std::string contents;
      std::string message_start;
    };
    for (const Case& test_case : {Case{"alice:x\nbob\n", "missing ':' between user and password"},
                                  Case{":x\n", "empty user name"},
                                  Case{"alice:\r\n", "empty password"},
                                  Case{"tessera_cluster:x\n", "user \"tessera_cluster\" is reserved"}}) {
      TempFile file(test_case.contents);
      AuthConfig config;
      Status status = ReadPasswordFile(file.path(), &config);
      REQUIRE_FALSE(status.ok());
      CHECK(status.state() == SqlState::kInvalidParameterValue);
      CHECK(status.info().message.rfind(test_case.message_start, 0) == 0);
      CHECK(status.info().message.find(file.path()) != std::string::npos);
    }
    AuthConfig config;
    CHECK(ReadPasswordFile("/nonexistent/passwords", &config).state() == SqlState::kUndefinedFile);
  }

  TEST_CASE("the cluster secret is the file's first line") {
    std::string secret;
    TempFile file("correct horse\nignored\n");
    REQUIRE(ReadClusterSecretFile(file.path(), &secret).ok());
    CHECK(secret == "correct horse");
    TempFile empty("\n");
    CHECK_FALSE(ReadClusterSecretFile(empty.path(), &secret).ok());
    CHECK(ParseAuthMethod("scram-sha-256") == AuthMethod::kScramSha256);
    CHECK(ParseAuthMethod("trust") == AuthMethod::kTrust);
    CHECK_FALSE(ParseAuthMethod("md5").has_value());
  }
}

}  // namespace
}  // namespace tessera::protocol
