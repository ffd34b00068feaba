// SPDX-License-Identifier: Apache-2.0
// SCRAM-SHA-256 (RFC 5802, RFC 7677): the key derivation and proof arithmetic both sides of an exchange
// use, plus base64 and random bytes. Pure functions over OpenSSL's SHA-256, HMAC, PBKDF2 and RAND; the
// message exchange itself is in scram_exchange.h.
//
// Passwords are used as given: no SASLprep. For ASCII passwords (and any already in NFKC form without
// characters SASLprep maps or prohibits) that is what PostgreSQL and libpq compute as well.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::protocol::scram {

constexpr std::string_view kMechanism = "SCRAM-SHA-256";
constexpr int kDefaultIterations = 4096;  // PostgreSQL's scram_iterations default
constexpr size_t kSaltLength = 16;        // as PostgreSQL's SCRAM_DEFAULT_SALT_LEN
constexpr size_t kNonceLength = 18;       // random bytes of the server nonce, before base64
constexpr size_t kKeyLength = 32;         // SHA-256 output

using Key = std::array<uint8_t, kKeyLength>;

// What the server keeps for one user instead of the password (PostgreSQL's pg_authid.rolpassword
// "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>").
struct Secret {
  std::string salt;  // raw bytes
  int iterations = kDefaultIterations;
  Key stored_key{};
  Key server_key{};
};

// SaltedPassword := PBKDF2-HMAC-SHA-256(password, salt, iterations). Throws std::runtime_error when
// OpenSSL fails.
Key SaltedPassword(std::string_view password, std::string_view salt, int iterations);
// Derives StoredKey and ServerKey from a password.
Secret MakeSecret(std::string_view password, std::string salt, int iterations = kDefaultIterations);

Key Sha256(std::string_view data);
Key Hmac(const Key& key, std::string_view message);

// ClientProof := ClientKey XOR HMAC(StoredKey, AuthMessage): what a client sends.
Key ClientProof(const Key& salted_password, std::string_view auth_message);
// Returns whether H(ClientProof XOR HMAC(StoredKey, AuthMessage)) equals StoredKey, in constant time.
bool VerifyClientProof(const Secret& secret, std::string_view auth_message, const Key& client_proof);
// ServerSignature := HMAC(ServerKey, AuthMessage): what the server sends to prove it knows the secret.
Key ServerSignature(const Key& server_key, std::string_view auth_message);

// Returns `count` bytes from OpenSSL's CSPRNG. Throws std::runtime_error when it has no entropy.
std::string RandomBytes(size_t count);

std::string Base64Encode(std::string_view bytes);
// Decodes standard base64 with padding; nullopt for anything else (as PostgreSQL's pg_b64_decode).
std::optional<std::string> Base64Decode(std::string_view text);

inline std::string_view AsBytes(const Key& key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

}  // namespace tessera::protocol::scram
