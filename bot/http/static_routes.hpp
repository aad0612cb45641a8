#pragma once
// Static routes serve the web widget from memory (bot/http/web_assets.hpp):
//   GET /widget.js     the embeddable widget (any site may load it, also with
//                      crossorigin and integrity: Access-Control-Allow-Origin *)
//   GET /demo.css      the demo page's styles
//   GET /              the demo page; /?embed=full shows only the chat, full page
// Scripts and style sheets go gzip-compressed to clients that accept it
// (Content-Encoding: gzip, Vary: Accept-Encoding, an ETag of its own).
// Each answer has a strong ETag (If-None-Match -> 304), Cache-Control,
// X-Content-Type-Options: nosniff and a Content-Security-Policy. The demo
// page's policy allows scripts and styles from this origin, WebSocket
// connections to this host, and framing by this origin plus the
// --allowed-origins list; nothing else (no inline code, images, fonts, forms).
//
// Thread safety: handlers only read data built at registration.

#include <string>
#include <string_view>
#include <vector>

#include "bot/http/router.hpp"

namespace advisor::server {

// Registers the routes above on routes. allowed_origins (--allowed-origins)
// must outlive the routes.
void add_static_routes(router& routes, const std::vector<std::string>& allowed_origins);

// A strong entity tag for body: a quoted hex digest of its SHA-256.
std::string entity_tag(std::string_view body);

// True when an If-None-Match header value matches etag: "*", or any entry
// of the comma-separated list compared weakly (a W/ prefix is ignored).
bool if_none_match_hits(std::string_view if_none_match, std::string_view etag);

// True when an Accept-Encoding header value accepts gzip: "gzip", "x-gzip"
// or "*", with no q=0 parameter.
bool accepts_gzip(std::string_view accept_encoding);

// The demo page's Content-Security-Policy. host is the request's Host header
// (used for the ws:// and wss:// sources only when it is a plain host[:port]);
// allowed_origins are the pages that may frame it besides this origin.
std::string page_security_policy(std::string_view host, const std::vector<std::string>& allowed_origins);

}  // namespace advisor::server
