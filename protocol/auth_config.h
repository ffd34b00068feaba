// SPDX-License-Identifier: Apache-2.0
// AuthConfig: who may connect and how they prove it (the server's pg_hba.conf and pg_authid in one).
//
// Two methods, as in PostgreSQL's pg_hba.conf: trust (any user, no password) and scram-sha-256 (users
// listed with a password; everyone else fails with 28P01). The cluster user "tessera_cluster", which
// coordinator and workers use to reach each other, always needs SCRAM with the cluster secret, whatever
// the method; without a secret it cannot log in at all.
//
// Passwords are turned into SCRAM secrets (random salt, 4096 iterations) when added, and not kept.
// Immutable once the server starts; then safe to read from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "protocol/scram.h"

namespace tessera::protocol {

enum class AuthMethod { kTrust, kScramSha256 };

constexpr std::string_view kClusterUser = "tessera_cluster";

class AuthConfig {
 public:
  AuthConfig();

  AuthMethod method() const { return method_; }
  void set_method(AuthMethod method) { method_ = method; }

  // Adds or replaces `user` with `password`.
  void AddUser(const std::string& user, std::string_view password);
  // Lets kClusterUser log in with `secret`.
  void SetClusterSecret(std::string_view secret) { AddUser(std::string(kClusterUser), secret); }

  // Returns whether `user` must authenticate with a password.
  bool RequiresPassword(std::string_view user) const {
    return method_ == AuthMethod::kScramSha256 || user == kClusterUser;
  }
  // The user's secret, or nullopt when the user has none (unknown).
  const scram::Secret* FindSecret(std::string_view user) const;
  // A made-up secret for an unknown user. Its salt depends only on the user name and this server's
  // random nonce, so that repeated attempts see the same salt, as for a real user.
  scram::Secret MockSecret(std::string_view user) const;

 private:
  AuthMethod method_ = AuthMethod::kTrust;
  std::map<std::string, scram::Secret, std::less<>> secrets_;
  std::string mock_nonce_;
};

// The configuration of a server started without auth options: trust, no cluster secret.
const AuthConfig& DefaultAuthConfig();

// Parses --auth: "trust" or "scram-sha-256".
std::optional<AuthMethod> ParseAuthMethod(std::string_view text);

// Reads a password file: one "user:password" per line (the password runs to the end of the line, colons
// included); empty lines and lines starting with '#' are skipped. Adds the users to `config`. Fails with
// 22023 naming the file and line for a line without ':', with an empty user or password, and for kClusterUser
// (whose password is the cluster secret).
Status ReadPasswordFile(const std::string& path, AuthConfig* config);

// Reads a cluster secret file: the secret is its first line, without the line end. Fails when the file
// cannot be read or the secret is empty.
Status ReadClusterSecretFile(const std::string& path, std::string* secret);

}  // namespace tessera::protocol
