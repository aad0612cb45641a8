// The OpenSSL wrappers against published vectors (RFC 4231, RFC 8032).
#include "bot/channels/crypto.hpp"

#include <catch2/catch.hpp>

using namespace advisor::channels;

namespace {

bytes hex(std::string_view h) {
  auto b = from_hex(h);
  REQUIRE(b.has_value());
  return *b;
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 test cases 1 and 2", "[channels]") {
  CHECK(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")) ==
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(to_hex(hmac_sha256("Jefe", "what do ya want for nothing!")) !=
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("Ed25519 verification accepts RFC 8032 section 7.1 tests 1 and 2 and rejects tampering", "[channels]") {
  const auto pk1 = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const auto sig1 = hex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24"
      "655141438e7a100b");
  CHECK(ed25519_verify(pk1, "", sig1));
  CHECK_FALSE(ed25519_verify(pk1, "x", sig1));

  const auto pk2 = hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  const auto sig2 = hex(
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aee"
      "b00d291612bb0c00");
  CHECK(ed25519_verify(pk2, hex("72"), sig2));
  CHECK_FALSE(ed25519_verify(pk2, hex("73"), sig2));
  CHECK_FALSE(ed25519_verify(pk1, hex("72"), sig2));  // wrong key
  auto flipped = sig2;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  CHECK_FALSE(ed25519_verify(pk2, hex("72"), flipped));
  CHECK_FALSE(ed25519_verify(pk2.substr(1), hex("72"), sig2));  // wrong sizes
  CHECK_FALSE(ed25519_verify(pk2, hex("72"), sig2.substr(1)));
}

TEST_CASE("hex and base64 codecs round-trip and reject malformed input", "[channels]") {
  CHECK(to_hex(std::string("\x00\xff\x10", 3)) == "00ff10");
  CHECK(from_hex("00FF10") == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(from_hex("abc").has_value());
  CHECK_FALSE(from_hex("zz").has_value());

  CHECK(to_base64("") == "");
  CHECK(to_base64("f") == "Zg==");
  CHECK(to_base64("fo") == "Zm8=");
  CHECK(to_base64("foo") == "Zm9v");
  CHECK(from_base64("Zg==") == "f");
  CHECK(from_base64("Zm8=") == "fo");
  CHECK(from_base64("Zm9v") == "foo");
  CHECK(from_base64("vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=")->size() == 32);
  CHECK_FALSE(from_base64("Zm9").has_value());
  CHECK_FALSE(from_base64("Zm=v").has_value());
  CHECK_FALSE(from_base64("Zm9v!A==").has_value());
}

TEST_CASE("constant_time_equal compares contents and lengths", "[channels]") {
  CHECK(constant_time_equal("abc", "abc"));
  CHECK(constant_time_equal("", ""));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}
