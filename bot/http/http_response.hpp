#pragma once
// Helpers that build the HTTP responses route handlers return. Every error
// body is {"error":{"code":...,"message":...}} (protocol.md).

#include <string>
#include <string_view>

#include "bot/http/router.hpp"

namespace advisor::server {

// A response with body and Content-Type; Content-Length is set.
route_response make_response(http::status status, std::string_view content_type, std::string body);

// application/json.
route_response json_response(http::status status, std::string body);

// The protocol's error body with code and message.
route_response error_response(http::status status, std::string_view code, std::string_view message);

}  // namespace advisor::server
