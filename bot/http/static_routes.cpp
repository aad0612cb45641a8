#include "bot/http/static_routes.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "bot/base/strings.hpp"
#include "bot/http/http_response.hpp"
#include "bot/http/web_assets.hpp"

namespace advisor::server {
namespace {

// Cache lifetimes. The widget and styles have stable URLs (no version in the
// name), so caches keep them briefly and then revalidate with the ETag; the
// page always revalidates.
constexpr std::string_view asset_cache_control = "public, max-age=300";
constexpr std::string_view page_cache_control = "no-cache";

// A script or style sheet is no document: it needs no capabilities.
constexpr std::string_view asset_security_policy = "default-src 'none'; frame-ancestors 'none'";

// The demo page's file, served at "/", and what turns it into the
// full-page variant (/?embed=full).
constexpr std::string_view page_file = "/index.html";
constexpr std::string_view launcher_marker = "data-mode=\"launcher\"";
constexpr std::string_view full_marker = "data-mode=\"full\"";
constexpr std::string_view body_marker = "<body>";
constexpr std::string_view full_body = "<body class=\"full\">";

// A prepared answer for one asset.
struct static_asset {
  std::string body;
  std::string content_type;
  std::string_view cache_control;
  std::string etag;
  std::string gzip_body;  // empty: no compressed variant
  std::string gzip_etag;
  bool page = false;  // HTML: gets the page policy
};

std::string_view content_type_of(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  return "application/octet-stream";
}

static_asset make_asset(std::string body, std::string_view path, std::string_view gzip = {}) {
  static_asset a;
  a.content_type = std::string(content_type_of(path));
  a.page = path.ends_with(".html");
  a.cache_control = a.page ? page_cache_control : asset_cache_control;
  a.etag = entity_tag(body);
  a.body = std::move(body);
  if (!gzip.empty()) {
    a.gzip_body = std::string(gzip);
    a.gzip_etag = entity_tag(gzip);
  }
  return a;
}

using advisor::iequals_ascii;
using advisor::trim_ows;

std::string replace_first(std::string s, std::string_view from, std::string_view to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

bool has_query_param(std::string_view query, std::string_view key, std::string_view value) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    const auto eq = param.find('=');
    if (eq != std::string_view::npos && param.substr(0, eq) == key && param.substr(eq + 1) == value) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

route_response serve(const static_asset& a, const route_request& r, const std::vector<std::string>& origins) {
  const bool gzip = !a.gzip_body.empty() && accepts_gzip(r.message[http::field::accept_encoding]);
  const std::string& etag = gzip ? a.gzip_etag : a.etag;
  const bool hit = if_none_match_hits(r.message[http::field::if_none_match], etag);
  route_response res{hit ? http::status::not_modified : http::status::ok, 11};
  res.set(http::field::content_type, a.content_type);
  res.set(http::field::cache_control, a.cache_control);
  res.set(http::field::etag, etag);
  if (!a.gzip_body.empty()) res.set(http::field::vary, "Accept-Encoding");
  if (gzip) res.set(http::field::content_encoding, "gzip");
  res.set("X-Content-Type-Options", "nosniff");
  if (a.page) {
    res.set("Content-Security-Policy", page_security_policy(r.message[http::field::host], origins));
    res.set("Referrer-Policy", "same-origin");
  } else {
    res.set("Content-Security-Policy", asset_security_policy);
    // Any site may embed the widget's script, even one that isolates itself
    // with Cross-Origin-Embedder-Policy.
    res.set("Cross-Origin-Resource-Policy", "cross-origin");
    // ... and load it with crossorigin="anonymous" and an integrity hash.
    res.set(http::field::access_control_allow_origin, "*");
  }
  if (!hit) {
    res.body() = gzip ? a.gzip_body : a.body;
    res.prepare_payload();
  }
  return res;
}

bool plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (const char c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']') return false;
  }
  return true;
}

}  // namespace

std::string entity_tag(std::string_view body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(body.data(), body.size(), md, &len, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string tag = "\"";
  // 128 bits of the digest are plenty to tell versions apart.
  for (unsigned int i = 0; i < len && i < 16; ++i) {
    tag += hex[md[i] >> 4];
    tag += hex[md[i] & 0xf];
  }
  tag += '"';
  return tag;
}

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  const auto strip_weak = [](std::string_view t) { return t.starts_with("W/") ? t.substr(2) : t; };
  const std::string_view want = strip_weak(etag);
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || (!item.empty() && strip_weak(item) == want)) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

bool accepts_gzip(std::string_view header) {
  // An explicit gzip (or x-gzip) entry decides; else "*" does; else no.
  int explicit_gzip = -1, star = -1;
  while (!header.empty()) {
    const auto comma = header.find(',');
    const std::string_view item = header.substr(0, comma);
    const auto semi = item.find(';');
    const std::string_view coding = trim_ows(item.substr(0, semi));
    bool accepted = true;  // q=0 (q=0.0, q=0.000) refuses the coding
    if (semi != std::string_view::npos) {
      const std::string_view param = trim_ows(item.substr(semi + 1));
      if (param.size() >= 3 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        accepted = param.substr(2).find_first_not_of("0.") != std::string_view::npos;
      }
    }
    if (iequals_ascii(coding, "gzip") || iequals_ascii(coding, "x-gzip")) {
      explicit_gzip = std::max(explicit_gzip, accepted ? 1 : 0);
    } else if (coding == "*") {
      star = accepted ? 1 : 0;
    }
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return explicit_gzip >= 0 ? explicit_gzip == 1 : star == 1;
}

std::string page_security_policy(std::string_view host, const std::vector<std::string>& allowed_origins) {
  // Built with append(): GCC 12 reports a false -Wrestrict on chains of
  // operator+ with temporaries.
  std::string csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'";
  if (plain_host(host)) {
    csp.append(" ws://").append(host).append(" wss://").append(host);
  }
  csp.append("; base-uri 'none'; form-action 'none'; frame-ancestors ");
  if (std::find(allowed_origins.begin(), allowed_origins.end(), "*") != allowed_origins.end()) return csp.append("*");
  csp.append("'self'");
  for (const auto& o : allowed_origins) {
    const auto scheme_end = o.find("://");
    if (plain_host(std::string_view(o).substr(scheme_end == std::string::npos ? 0 : scheme_end + 3))) {
      csp.append(" ").append(o);
    }
  }
  return csp;
}

void add_static_routes(router& routes, const std::vector<std::string>& origins) {
  for (const auto& file : embedded_web_files()) {
    if (file.path == page_file) {
      auto launcher = std::make_shared<const static_asset>(make_asset(std::string(file.bytes), file.path));
      auto full = std::make_shared<const static_asset>(make_asset(
          replace_first(replace_first(std::string(file.bytes), launcher_marker, full_marker), body_marker, full_body),
          file.path));
      routes.add(http::verb::get, "/", [launcher, full, &origins](const route_request& r) {
        return serve(has_query_param(r.query, "embed", "full") ? *full : *launcher, r, origins);
      });
      continue;
    }
    auto asset = std::make_shared<const static_asset>(make_asset(std::string(file.bytes), file.path, file.gzip));
    routes.add(http::verb::get, std::string(file.path),
               [asset, &origins](const route_request& r) { return serve(*asset, r, origins); });
  }
}

}  // namespace advisor::server
