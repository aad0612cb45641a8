#pragma once
// The widget's files (bot/web/*), embedded in the binary at build time by
// cmake/embed_web_assets.cmake, so a deployment needs no asset directory and
// the server always serves the widget it was built with.
//
// Thread safety: immutable static data.

#include <span>
#include <string_view>

namespace advisor::server {

// One embedded file: its URL path ("/widget.js"), its bytes and, for
// scripts and style sheets, the same bytes gzip-compressed (else empty).
struct embedded_file {
  std::string_view path;
  std::string_view bytes;
  std::string_view gzip;
};

// Every file of bot/web/ at build time, in no particular order.
std::span<const embedded_file> embedded_web_files();

}  // namespace advisor::server
