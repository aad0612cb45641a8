#pragma once
// The cryptographic primitives the team-chat adapters verify requests with,
// thin wrappers over OpenSSL 3: HMAC-SHA256, Ed25519 verification, hex and
// base64 codecs and a constant-time comparison.
//
// Thread safety: free functions over values; safe from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace advisor::channels {

// A byte string (may hold any byte, NUL included).
using bytes = std::string;

// HMAC-SHA256(key, message): 32 raw bytes.
bytes hmac_sha256(std::string_view key, std::string_view message);

// True when signature (64 bytes) is a valid Ed25519 signature of message
// under public_key (32 raw bytes). Wrong sizes give false.
bool ed25519_verify(std::string_view public_key, std::string_view message, std::string_view signature);

// Lowercase hex of data.
std::string to_hex(std::string_view data);
// Decodes hex (either case, even length); nullopt on any other character.
std::optional<bytes> from_hex(std::string_view hex);

// Standard base64 (RFC 4648, with padding).
std::string to_base64(std::string_view data);
// Decodes standard base64 with padding; nullopt when malformed.
std::optional<bytes> from_base64(std::string_view text);

// Compares a and b in time that depends only on their lengths.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace advisor::channels
