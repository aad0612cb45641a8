#include "bot/channels/slack_api_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace advisor::channels {

using server::error_code;
using server::tcp;
using server::beast::tcp_stream;
namespace net = server::net;
namespace beast = server::beast;
namespace http = server::http;
namespace ssl = boost::asio::ssl;

struct slack_api_client::state {
  net::io_context ioc{1};
  ssl::context tls{ssl::context::tls_client};
  net::executor_work_guard<net::io_context::executor_type> work = net::make_work_guard(ioc);
};

namespace {

// Sends req on stream and reads the answer into res; the deadline set on
// lowest before the connect bounds the whole exchange.
template <class Stream>
net::awaitable<error_code> exchange(Stream& stream, http::request<http::string_body>& req,
                                    http::response<http::string_body>& res) {
  error_code ec;
  co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return ec;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  co_await http::async_read(stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
  if (!ec) res = parser.release();
  co_return ec;
}

}  // namespace

slack_api_client::slack_api_client(std::string base_url, std::string bot_token, std::chrono::milliseconds timeout,
                                   server::logger& log, server::counter_family& results)
    : token_(std::move(bot_token)), timeout_(timeout), log_(log), results_(results), state_(std::make_unique<state>()) {
  const auto url = boost::urls::parse_uri(boost::urls::string_view(base_url.data(), base_url.size()));
  if (url && (url->scheme() == "http" || url->scheme() == "https") && !url->encoded_host().empty()) {
    tls_ = url->scheme() == "https";
    host_ = std::string(url->encoded_host());
    port_ = url->has_port() ? std::string(url->port()) : std::string(tls_ ? "443" : "80");
    std::string path(url->encoded_path());
    while (!path.empty() && path.back() == '/') path.pop_back();
    target_ = path + "/chat.postMessage";
    valid_ = true;
  }
  if (tls_) {
    state_->tls.set_default_verify_paths();
    state_->tls.set_verify_mode(ssl::verify_peer);
  }
  thread_ = std::thread([s = state_.get()] { s->ioc.run(); });
}

slack_api_client::~slack_api_client() {
  state_->work.reset();
  state_->ioc.stop();
  if (thread_.joinable()) thread_.join();
}

void slack_api_client::finish(bool ok, std::string_view why) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  results_.with({ok ? "ok" : "error"}).inc();
  if (ok) {
    log_.at(server::log_level::debug, "slack_post").str("result", "ok");
  } else {
    log_.at(server::log_level::warn, "slack_post_failed").str("error", why);
  }
}

bool slack_api_client::post(message m) {
  if (!valid_) {
    results_.with({"error"}).inc();
    return false;
  }
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= max_in_flight) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    results_.with({"dropped"}).inc();
    log_.at(server::log_level::warn, "slack_post_dropped").num("in_flight", static_cast<std::uint64_t>(max_in_flight));
    return false;
  }
  boost::json::object body{{"channel", m.channel}, {"text", m.text}};
  if (!m.blocks.empty()) body["blocks"] = std::move(m.blocks);
  if (!m.thread_ts.empty()) body["thread_ts"] = m.thread_ts;

  auto req = std::make_shared<http::request<http::string_body>>(http::verb::post, target_, 11);
  req->set(http::field::host, (port_ == "80" || port_ == "443") ? host_ : host_ + ":" + port_);
  req->set(http::field::user_agent, "tpm-pm-advisor");
  req->set(http::field::content_type, "application/json; charset=utf-8");
  req->set(http::field::authorization, "Bearer " + token_);
  req->body() = boost::json::serialize(body);
  req->prepare_payload();

  auto task = [this, req]() -> net::awaitable<void> {
    auto ex = co_await net::this_coro::executor;
    error_code ec;
    tcp::resolver resolver(ex);
    const auto endpoints = co_await resolver.async_resolve(host_, port_, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return finish(false, "resolve: " + ec.message());
    http::response<http::string_body> res;
    if (!tls_) {
      tcp_stream stream(ex);
      stream.expires_after(timeout_);
      co_await stream.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return finish(false, "connect: " + ec.message());
      ec = co_await exchange(stream, *req, res);
      error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    } else {
      beast::ssl_stream<tcp_stream> stream(ex, state_->tls);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), host_.c_str())) co_return finish(false, "tls: SNI");
      stream.set_verify_callback(ssl::host_name_verification(host_));
      auto& lowest = beast::get_lowest_layer(stream);
      lowest.expires_after(timeout_);
      co_await lowest.async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return finish(false, "connect: " + ec.message());
      co_await stream.async_handshake(ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return finish(false, "tls handshake: " + ec.message());
      ec = co_await exchange(stream, *req, res);
      error_code ignored;
      lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
    if (ec) co_return finish(false, "http: " + ec.message());
    // Slack answers 200 with {"ok":false,"error":"..."} on API errors.
    error_code jec;
    const auto v = boost::json::parse(res.body(), jec);
    const auto* o = !jec ? v.if_object() : nullptr;
    const auto* ok = o != nullptr ? o->if_contains("ok") : nullptr;
    if (res.result() != http::status::ok || ok == nullptr || !ok->is_bool() || !ok->get_bool()) {
      std::string why = "status " + std::to_string(res.result_int());
      if (const auto* e = o != nullptr ? o->if_contains("error") : nullptr; e != nullptr && e->is_string()) {
        why += ": " + std::string(e->get_string());
      }
      co_return finish(false, why);
    }
    finish(true, {});
  };
  net::co_spawn(state_->ioc, std::move(task), net::detached);
  return true;
}

}  // namespace advisor::channels
