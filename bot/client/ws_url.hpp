#pragma once
// A ws_url is a parsed, validated WebSocket address: what the client needs
// to resolve, connect, (for wss://) verify the certificate and send the
// upgrade request.
//
// Thread safety: a plain value; parse_ws_url is a pure function.

#include <optional>
#include <string>
#include <string_view>

namespace advisor::client {

struct ws_url {
  bool tls = false;         // wss:// (TLS) rather than ws://
  std::string host;         // name or address to resolve, without IPv6 brackets
  std::string port;         // service for the resolver: explicit port, else "80" or "443"
  std::string host_header;  // value of the HTTP Host header ("example.com", "[::1]:8080")
  std::string target;       // request target: path and query ("/ws?session=abc")
  std::string text;         // the whole URL as used, for messages ("ws://127.0.0.1:8080/ws")
};

// Parses a ws:// or wss:// URL (scheme case-insensitive). An empty path
// becomes "/ws", the advisor's WebSocket route. When session is non-empty
// it is set as the `session` query parameter (percent-encoded, replacing
// any there). Returns nullopt and sets error, naming the URL, when the
// text is not such a URL (other scheme, no host, bad port, a fragment).
std::optional<ws_url> parse_ws_url(std::string_view text, std::string_view session, std::string& error);

}  // namespace advisor::client
