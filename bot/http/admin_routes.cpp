#include "bot/http/admin_routes.hpp"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "bot/http/http_response.hpp"

namespace advisor::server {
namespace {

bool authorized(const route_request& r, const std::string& token) {
  const auto header = r.message[http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() != scheme.size() + token.size()) return false;
  if (header.substr(0, scheme.size()) != scheme) return false;
  return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

}  // namespace

void add_admin_routes(router& routes, server_metrics& metrics, logger& log, rules_reloader& reloader,
                      std::string token) {
  if (token.empty()) return;
  routes.add(
      http::verb::post, "/admin/reload", [&metrics, &log, &reloader, token = std::move(token)](const route_request& r) {
        if (!authorized(r, token)) {
          metrics.error_counter("unauthorized").inc();
          log.at(log_level::warn, "admin_unauthorized").str("remote", r.remote.to_string());
          auto res = error_response(http::status::unauthorized, "unauthorized", "a valid bearer token is required");
          res.set(http::field::www_authenticate, "Bearer");
          return res;
        }
        const auto result = reloader.reload("admin");
        boost::json::object o;
        if (result.ok) {
          o["status"] = "reloaded";
          o["version"] = result.version;
          o["previous"] = result.previous_version;
          o["took_ms"] = result.took.count();
          return json_response(http::status::ok, boost::json::serialize(o));
        }
        boost::json::object err;
        err["code"] = "reload_refused";
        err["message"] = "the new rules or knowledge have problems; the old set keeps serving";
        o["error"] = std::move(err);
        o["version"] = result.version;
        boost::json::array problems;
        for (const auto& p : result.problems) problems.emplace_back(p);
        o["problems"] = std::move(problems);
        o["problem_count"] = result.problem_count;
        return json_response(http::status::unprocessable_entity, boost::json::serialize(o));
      });
}

}  // namespace advisor::server
