// SPDX-License-Identifier: Apache-2.0
// AuthConfig, and reading the password and cluster secret files.
#include "protocol/auth_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace tessera::protocol {

namespace {

Status ReadWholeFile(const std::string& path, std::string* text) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  if (file) contents << file.rdbuf();
  if (!file || file.bad()) {
    return Status(SqlState::kUndefinedFile, fmt::format("could not read file \"{}\": {}", path, std::strerror(errno)));
  }
  *text = contents.str();
  return Status::Ok();
}

std::string_view WithoutLineEnd(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

AuthConfig::AuthConfig() : mock_nonce_(scram::RandomBytes(scram::kKeyLength)) {}

void AuthConfig::AddUser(const std::string& user, std::string_view password) {
  secrets_.insert_or_assign(user, scram::MakeSecret(password, scram::RandomBytes(scram::kSaltLength)));
}

const scram::Secret* AuthConfig::FindSecret(std::string_view user) const {
  auto found = secrets_.find(user);
  return found == secrets_.end() ? nullptr : &found->second;
}

scram::Secret AuthConfig::MockSecret(std::string_view user) const {
  scram::Secret secret;
  scram::Key digest = scram::Sha256(std::string(user) + mock_nonce_);
  secret.salt = std::string(scram::AsBytes(digest).substr(0, scram::kSaltLength));
  std::string keys = scram::RandomBytes(2 * scram::kKeyLength);
  std::copy(keys.begin(), keys.begin() + scram::kKeyLength, secret.stored_key.begin());
  std::copy(keys.begin() + scram::kKeyLength, keys.end(), secret.server_key.begin());
  return secret;
}

const AuthConfig& DefaultAuthConfig() {
  static const AuthConfig config;
  return config;
}

std::optional<AuthMethod> ParseAuthMethod(std::string_view text) {
  if (text == "trust") return AuthMethod::kTrust;
  if (text == "scram-sha-256") return AuthMethod::kScramSha256;
  return std::nullopt;
}

Status ReadPasswordFile(const std::string& path, AuthConfig* config) {
  std::string text;
  if (Status read = ReadWholeFile(path, &text); !read.ok()) return read;
  std::istringstream lines(text);
  std::string raw_line;
  for (int line_number = 1; std::getline(lines, raw_line); ++line_number) {
    std::string_view line = WithoutLineEnd(raw_line);
    if (line.empty() || line.front() == '#') continue;
    size_t colon = line.find(':');
    std::string_view user = line.substr(0, colon);
    auto error = [&](std::string_view what) {
      return Status(SqlState::kInvalidParameterValue,
                    fmt::format("{} in password file \"{}\" line {}", what, path, line_number));
    };
    if (colon == std::string_view::npos) return error("missing ':' between user and password");
    if (user.empty()) return error("empty user name");
    if (colon + 1 == line.size()) return error("empty password");  // PostgreSQL never accepts one either
    if (user == kClusterUser) return error("user \"tessera_cluster\" is reserved (use --cluster-secret-file)");
    config->AddUser(std::string(user), line.substr(colon + 1));
  }
  return Status::Ok();
}

Status ReadClusterSecretFile(const std::string& path, std::string* secret) {
  std::string text;
  if (Status read = ReadWholeFile(path, &text); !read.ok()) return read;
  std::string_view first_line = WithoutLineEnd(std::string_view(text).substr(0, text.find('\n')));
  if (first_line.empty()) {
    return Status(SqlState::kInvalidParameterValue, fmt::format("cluster secret file \"{}\" is empty", path));
  }
  *secret = std::string(first_line);
  return Status::Ok();
}

}  // namespace tessera::protocol
