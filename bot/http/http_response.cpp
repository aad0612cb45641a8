#include "bot/http/http_response.hpp"

#include "bot/protocol/server_frame.hpp"

namespace advisor::server {

route_response make_response(http::status status, std::string_view content_type, std::string body) {
  route_response res{status, 11};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

route_response json_response(http::status status, std::string body) {
  return make_response(status, "application/json", std::move(body));
}

route_response error_response(http::status status, std::string_view code, std::string_view message) {
  return json_response(status, protocol::http_error_body(code, message));
}

}  // namespace advisor::server
