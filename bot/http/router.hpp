#pragma once
// A router is the HTTP route table: handlers keyed by method and path.
// Exact routes ("/healthz") and prefix routes ("/hooks/", for
// /hooks/<channel>) are supported; a part of the application adds itself
// by registering a handler, e.g. (bot/channels/channels.cpp)
//   routes.add(http::verb::post, "/hooks/slack", [ch](const route_request& r) { return ch->handle(r); });
// A GET route answers HEAD as well (the session drops the body).
//
// find() tells not found (404) from method not allowed (405, with the
// Allow header value).
//
// Thread safety: register every route before the server starts; find() is
// then safe from any thread (the table is not modified any more).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/net/net.hpp"

namespace advisor::server {

// What a handler sees of one HTTP request.
struct route_request {
  const http::request<http::string_body>& message;  // method, target, headers, raw body bytes
  std::string_view path;                            // the target's path, as sent (percent-encoded)
  std::string_view query;                           // the target's query without '?', as sent
  std::string_view path_suffix;                     // prefix routes: the path after the prefix; else empty
  net::ip::address remote;                          // the peer's address
};

using route_response = http::response<http::string_body>;
using route_handler = std::function<route_response(const route_request&)>;

class router {
 public:
  enum class outcome { found, not_found, method_not_allowed };

  struct match {
    outcome result = outcome::not_found;
    const route_handler* handler = nullptr;  // when found
    std::string_view route;                  // the registered path or prefix (a metrics label); empty if none
    std::string_view suffix;                 // prefix routes: the rest of the path
    std::string allow;                       // method_not_allowed: the Allow header value
  };

  // Registers handler for method on exactly `path`.
  void add(http::verb method, std::string path, route_handler handler);
  // Registers handler for method on every path starting with prefix (the
  // longest matching prefix wins; exact routes win over prefixes).
  void add_prefix(http::verb method, std::string prefix, route_handler handler);

  match find(http::verb method, std::string_view path) const;

 private:
  struct route {
    std::string path;
    bool prefix = false;
    std::vector<std::pair<http::verb, route_handler>> handlers;
  };
  route& entry(std::string path, bool prefix);
  static match select(const route& r, http::verb method, std::string_view suffix);

  std::vector<route> exact_;
  std::vector<route> prefixes_;  // longest first
};

}  // namespace advisor::server
