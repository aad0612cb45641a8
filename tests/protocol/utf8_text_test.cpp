#include "bot/protocol/utf8_text.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace advisor::protocol;

TEST_CASE("count_code_points counts code points, not bytes", "[protocol]") {
  CHECK(count_code_points("") == 0);
  CHECK(count_code_points("abc") == 3);
  CHECK(count_code_points("\xC3\xA9") == 1);          // é
  CHECK(count_code_points("\xE2\x82\xAC") == 1);      // €
  CHECK(count_code_points("\xF0\x9F\x98\x80") == 1);  // 😀
  CHECK(count_code_points("a\xC3\xA9\xF0\x9F\x98\x80z") == 4);
}

TEST_CASE("is_unicode_space is the White_Space property", "[protocol]") {
  for (char32_t cp : {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029,
                      0x202F, 0x205F, 0x3000}) {
    INFO(static_cast<unsigned>(cp));
    CHECK(is_unicode_space(cp));
  }
  for (char32_t cp : {0x00, 0x08, 0x0E, 0x1F, 0x21, 0x41, 0x84, 0x86, 0x180E, 0x200B, 0x2060, 0xFEFF, 0xFFFD}) {
    INFO(static_cast<unsigned>(cp));
    CHECK_FALSE(is_unicode_space(cp));
  }
}

TEST_CASE("trim_unicode_space trims ASCII and Unicode white space at both ends only", "[protocol]") {
  CHECK(trim_unicode_space("") == "");
  CHECK(trim_unicode_space("   ") == "");
  CHECK(trim_unicode_space(" \t\r\n hi \n") == "hi");
  CHECK(trim_unicode_space("\xC2\xA0hi\xC2\xA0") == "hi");                      // NBSP
  CHECK(trim_unicode_space("\xE3\x80\x80hi\xE3\x80\x80") == "hi");              // ideographic space
  CHECK(trim_unicode_space("\xE2\x80\xA8\xE2\x80\x83hi\xE2\x80\xAF") == "hi");  // LS, em space, NNBSP
  CHECK(trim_unicode_space("\xC2\x85hi") == "hi");                              // NEL
  CHECK(trim_unicode_space("a b\xE3\x80\x80"
                           "c") ==
        "a b\xE3\x80\x80"
        "c");                                                               // inner space kept
  CHECK(trim_unicode_space("\xE2\x80\x8Bhi") == "\xE2\x80\x8Bhi");          // zero width space is not white space
  CHECK(trim_unicode_space("\xEF\xBB\xBFhi") == "\xEF\xBB\xBFhi");          // BOM is not white space
  CHECK(trim_unicode_space("hi\xF0\x9F\x98\x80") == "hi\xF0\x9F\x98\x80");  // multi-byte end kept
  CHECK(trim_unicode_space("\xE3\x80\x80\xE3\x80\x80") == "");
}

TEST_CASE("trimming and counting do not crash on invalid UTF-8", "[protocol]") {
  CHECK(trim_unicode_space("\xFF\xFE") == "\xFF\xFE");
  CHECK(trim_unicode_space(" \xE3\x80") == "\xE3\x80");
  CHECK(count_code_points("\xFF\xFE") == 2);
  CHECK(trim_unicode_space("\x80\x80 ") == "\x80\x80");
}
