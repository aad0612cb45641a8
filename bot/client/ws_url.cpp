#include "bot/client/ws_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <charconv>

namespace advisor::client {

std::optional<ws_url> parse_ws_url(std::string_view text, std::string_view session, std::string& error) {
  std::string quoted = "'";
  quoted.append(text).push_back('\'');
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    parsed = boost::urls::parse_uri(text);  // accepts a fragment, refused below with a clearer message
  }
  if (!parsed) {
    error = "invalid URL " + quoted + ": expected ws://HOST[:PORT][/PATH] or wss://...";
    return std::nullopt;
  }
  boost::urls::url u = *parsed;
  ws_url out;
  const auto scheme = u.scheme_id();
  if (scheme == boost::urls::scheme::ws) {
    out.tls = false;
  } else if (scheme == boost::urls::scheme::wss) {
    out.tls = true;
  } else {
    error = "unsupported URL " + quoted + ": the scheme must be ws:// or wss://";
    return std::nullopt;
  }
  if (!u.has_authority() || u.host_address().empty()) {
    error = "invalid URL " + quoted + ": no host";
    return std::nullopt;
  }
  if (u.has_fragment()) {
    error = "invalid URL " + quoted + ": a WebSocket URL cannot have a #fragment";
    return std::nullopt;
  }
  if (u.has_port()) {
    unsigned port = 0;
    const auto p = u.port();
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || port == 0 || port > 65535) {
      error = "invalid URL " + quoted + ": the port must be 1..65535";
      return std::nullopt;
    }
    out.port = std::to_string(port);
  } else {
    out.port = out.tls ? "443" : "80";
  }
  if (u.encoded_path().empty()) u.set_encoded_path("/ws");
  if (!session.empty()) u.params().set("session", session);
  u.normalize_scheme();

  out.host = u.host_address();
  out.host_header = std::string(u.encoded_host_and_port());
  out.target = std::string(u.encoded_resource());
  out.text = std::string(u.buffer());
  return out;
}

}  // namespace advisor::client
