#pragma once
// Decompresses a whole gzip member (RFC 1952) with zlib, checking its CRC-32
// and length trailer; std::nullopt when the bytes are not valid gzip or have
// anything after the member. For the tests of the widget's gzip copies.
#include <zlib.h>

#include <optional>
#include <string>
#include <string_view>

namespace advisor::test {

inline std::optional<std::string> gunzip(std::string_view gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return std::nullopt;  // 16: gzip wrapper only
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  const bool whole = rc == Z_STREAM_END && zs.avail_in == 0;
  inflateEnd(&zs);
  if (!whole) return std::nullopt;
  return out;
}

}  // namespace advisor::test
