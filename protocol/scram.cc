// SPDX-License-Identifier: Apache-2.0
// SCRAM-SHA-256 arithmetic over OpenSSL, and base64.
#include "protocol/scram.h"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace tessera::protocol::scram {

namespace {

constexpr std::string_view kBase64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const unsigned char* Bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

Key Xor(const Key& left, const Key& right) {
  Key result;
  for (size_t index = 0; index < kKeyLength; ++index) result[index] = left[index] ^ right[index];
  return result;
}

int Base64Value(char c) {
  size_t position = kBase64Alphabet.find(c);
  return position == std::string_view::npos ? -1 : static_cast<int>(position);
}

}  // namespace

Key SaltedPassword(std::string_view password, std::string_view salt, int iterations) {
  Key key;
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), Bytes(salt), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(key.size()), key.data()) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  return key;
}

Secret MakeSecret(std::string_view password, std::string salt, int iterations) {
  Key salted = SaltedPassword(password, salt, iterations);
  Secret secret;
  secret.salt = std::move(salt);
  secret.iterations = iterations;
  secret.stored_key = Sha256(AsBytes(Hmac(salted, "Client Key")));
  secret.server_key = Hmac(salted, "Server Key");
  return secret;
}

Key Sha256(std::string_view data) {
  Key digest;
  SHA256(Bytes(data), data.size(), digest.data());
  return digest;
}

Key Hmac(const Key& key, std::string_view message) {
  Key mac;
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(message), message.size(), mac.data(),
           &length) == nullptr ||
      length != mac.size()) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return mac;
}

Key ClientProof(const Key& salted_password, std::string_view auth_message) {
  Key client_key = Hmac(salted_password, "Client Key");
  Key stored_key = Sha256(AsBytes(client_key));
  return Xor(client_key, Hmac(stored_key, auth_message));
}

bool VerifyClientProof(const Secret& secret, std::string_view auth_message, const Key& client_proof) {
  Key client_key = Xor(client_proof, Hmac(secret.stored_key, auth_message));
  Key computed = Sha256(AsBytes(client_key));
  return CRYPTO_memcmp(computed.data(), secret.stored_key.data(), kKeyLength) == 0;
}

Key ServerSignature(const Key& server_key, std::string_view auth_message) { return Hmac(server_key, auth_message); }

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("could not generate random bytes");
  }
  return bytes;
}

std::string Base64Encode(std::string_view bytes) {
  std::string text;
  text.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t offset = 0; offset < bytes.size(); offset += 3) {
    size_t available = std::min<size_t>(3, bytes.size() - offset);
    uint32_t group = 0;
    for (size_t index = 0; index < 3; ++index) {
      uint8_t byte = index < available ? static_cast<uint8_t>(bytes[offset + index]) : 0;
      group = (group << 8) | byte;
    }
    for (size_t index = 0; index < 4; ++index) {
      text.push_back(index <= available ? kBase64Alphabet[(group >> (18 - 6 * index)) & 0x3f] : '=');
    }
  }
  return text;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (size_t offset = 0; offset < text.size(); offset += 4) {
    bool last_group = offset + 4 == text.size();
    uint32_t group = 0;
    size_t padding = 0;
    for (size_t index = 0; index < 4; ++index) {
      char c = text[offset + index];
      int value = Base64Value(c);
      if (c == '=' && last_group && index >= 2) {
        ++padding;
        value = 0;
      } else if (value < 0 || padding > 0) {
        return std::nullopt;  // not base64, or data after padding
      }
      group = (group << 6) | static_cast<uint32_t>(value);
    }
    for (size_t index = 0; index < 3 - padding; ++index) {
      bytes.push_back(static_cast<char>((group >> (16 - 8 * index)) & 0xff));
    }
  }
  return bytes;
}

}  // namespace tessera::protocol::scram
