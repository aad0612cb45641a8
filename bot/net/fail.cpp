#include "bot/net/fail.hpp"

namespace advisor::server {

bool is_quiet_error(const error_code& ec) {
  return ec == net::error::operation_aborted || ec == websocket::error::closed || ec == net::error::eof ||
         ec == http::error::end_of_stream || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::not_connected || ec == beast::error::timeout;
}

void fail(logger& log, const error_code& ec, std::string_view what, std::string_view channel) {
  log.at(is_quiet_error(ec) ? log_level::debug : log_level::warn, "io_error")
      .str("channel", channel)
      .str("op", what)
      .str("error", ec.message());
}

}  // namespace advisor::server
