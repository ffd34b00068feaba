// SPDX-License-Identifier: Apache-2.0
// ScramExchange: parsing and checking the client's SCRAM messages, building the server's.
#include "protocol/scram_exchange.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "base/error.h"

namespace tessera::protocol {

namespace {

[[noreturn]] void ThrowMalformed(std::string detail) {
  throw SqlError(SqlState::kProtocolViolation, "malformed SCRAM message").WithDetail(std::move(detail));
}

// A character in an error detail: quoted when printable, hex otherwise (as PostgreSQL's sanitize_char).
std::string Describe(char c) {
  if (c >= 0x21 && c < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("0x{:02x}", static_cast<unsigned char>(c));
}

// RFC 5802 "printable": ASCII 0x21-0x7e except ','.
bool IsPrintable(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x21 && c <= 0x7e && c != ','; });
}

// Reads the comma-separated attributes of a SCRAM message. The message holds no NUL (checked before).
class AttributeReader {
 public:
  explicit AttributeReader(std::string_view text) : text_(text) {}

  char Peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }
  bool AtEnd() const { return position_ >= text_.size(); }
  size_t position() const { return position_; }
  void Skip() { ++position_; }
  std::string_view Rest() const { return text_.substr(std::min(position_, text_.size())); }

  // Reads "<attribute>=<value>[,]" and returns the value.
  std::string_view ReadValue(char attribute) {
    if (Peek() != attribute) {
      ThrowMalformed(fmt::format("Expected attribute \"{}\" but found \"{}\".", attribute, Describe(Peek())));
    }
    return ReadAfterName(attribute);
  }
  // Reads any "<letter>=<value>[,]"; stores the letter in `attribute`.
  std::string_view ReadAny(char* attribute) {
    char name = Peek();
    if (AtEnd()) ThrowMalformed("Attribute expected, but found end of string.");
    if (!((name >= 'A' && name <= 'Z') || (name >= 'a' && name <= 'z'))) {
      ThrowMalformed(fmt::format("Attribute expected, but found invalid character \"{}\".", Describe(name)));
    }
    *attribute = name;
    return ReadAfterName(name);
  }

 private:
  std::string_view ReadAfterName(char attribute) {
    ++position_;
    if (Peek() != '=') ThrowMalformed(fmt::format("Expected character \"=\" for attribute \"{}\".", attribute));
    ++position_;
    size_t end = std::min(text_.find(',', position_), text_.size());
    std::string_view value = text_.substr(position_, end - position_);
    position_ = end < text_.size() ? end + 1 : end;
    return value;
  }

  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

ScramExchange::ScramExchange(scram::Secret secret, bool doomed) : secret_(std::move(secret)), doomed_(doomed) {}

ScramExchange::Step ScramExchange::Handle(std::optional<std::string_view> client_message) {
  if (!client_message) return Step{Outcome::kContinue, ""};  // ask for the client-first message
  if (client_message->empty()) ThrowMalformed("The message is empty.");
  if (client_message->find('\0') != std::string_view::npos) {
    ThrowMalformed("Message length does not match input length.");
  }
  switch (state_) {
    case State::kInitial:
      state_ = State::kServerFirstSent;
      return Step{Outcome::kContinue, HandleClientFirst(*client_message)};
    case State::kServerFirstSent:
      state_ = State::kDone;
      return HandleClientFinal(*client_message);
    case State::kDone:
      break;
  }
  throw SqlError(SqlState::kProtocolViolation, "invalid SCRAM exchange state");
}

std::string ScramExchange::HandleClientFirst(std::string_view message) {
  AttributeReader reader(message);
  // gs2 header: channel binding flag, then an empty authorization identity.
  char flag = reader.Peek();
  if (flag == 'p') {
    ThrowMalformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes "
                   "channel binding data.");
  }
  if (flag != 'n' && flag != 'y') ThrowMalformed(fmt::format("Unexpected channel-binding flag \"{}\".", Describe(flag)));
  channel_binding_flag_ = flag;
  reader.Skip();
  if (reader.Peek() != ',') ThrowMalformed(fmt::format("Comma expected, but found character \"{}\".", Describe(reader.Peek())));
  reader.Skip();
  if (reader.Peek() == 'a') {
    throw SqlError(SqlState::kFeatureNotSupported, "client uses authorization identity, but it is not supported");
  }
  if (reader.Peek() != ',') {
    ThrowMalformed(fmt::format("Unexpected attribute \"{}\" in client-first-message.", Describe(reader.Peek())));
  }
  reader.Skip();

  client_first_bare_ = std::string(reader.Rest());
  if (reader.Peek() == 'm') {
    throw SqlError(SqlState::kFeatureNotSupported, "client requires an unsupported SCRAM extension");
  }
  reader.ReadValue('n');  // the user name: the startup packet's counts
  client_nonce_ = std::string(reader.ReadValue('r'));
  if (!IsPrintable(client_nonce_)) {
    throw SqlError(SqlState::kProtocolViolation, "non-printable characters in SCRAM nonce");
  }
  char ignored;
  while (!reader.AtEnd()) reader.ReadAny(&ignored);  // optional extensions

  server_nonce_ = scram::Base64Encode(scram::RandomBytes(scram::kNonceLength));
  server_first_ = fmt::format("r={}{},s={},i={}", client_nonce_, server_nonce_, scram::Base64Encode(secret_.salt),
                              secret_.iterations);
  return server_first_;
}

ScramExchange::Step ScramExchange::HandleClientFinal(std::string_view message) {
  AttributeReader reader(message);
  // Without channel binding, "c" repeats the gs2 header: "n,," or "y,," as the client-first sent it.
  std::string_view binding = reader.ReadValue('c');
  if (!(binding == "biws" && channel_binding_flag_ == 'n') && !(binding == "eSws" && channel_binding_flag_ == 'y')) {
    throw SqlError(SqlState::kProtocolViolation,
                   "unexpected SCRAM channel-binding attribute in client-final-message");
  }
  std::string_view final_nonce = reader.ReadValue('r');
  size_t proof_start = 0;
  std::string_view proof_text;
  for (char attribute = 0; attribute != 'p';) {  // extensions may come before the proof
    proof_start = reader.position() - 1;         // the comma before the attribute
    proof_text = reader.ReadAny(&attribute);
  }
  std::optional<std::string> proof = scram::Base64Decode(proof_text);
  if (!proof || proof->size() != scram::kKeyLength) ThrowMalformed("Malformed proof in client-final-message.");
  if (!reader.AtEnd()) ThrowMalformed("Garbage found at the end of client-final-message.");
  if (final_nonce != client_nonce_ + server_nonce_) {
    throw SqlError(SqlState::kProtocolViolation, "invalid SCRAM response").WithDetail("Nonce does not match.");
  }

  std::string auth_message =
      fmt::format("{},{},{}", client_first_bare_, server_first_, message.substr(0, proof_start));
  scram::Key client_proof;
  std::copy(proof->begin(), proof->end(), client_proof.begin());
  // The proof is checked for unknown users too, so that both cases take the same time.
  bool verified = scram::VerifyClientProof(secret_, auth_message, client_proof);
  if (!verified || doomed_) return Step{Outcome::kFailed, ""};
  scram::Key signature = scram::ServerSignature(secret_.server_key, auth_message);
  return Step{Outcome::kSucceeded, "v=" + scram::Base64Encode(scram::AsBytes(signature))};
}

}  // namespace tessera::protocol
