#include "bot/net/listener.hpp"

#include "bot/net/fail.hpp"
#include "bot/net/http_session.hpp"

namespace advisor::server {

listener::listener(net::io_context& ioc, net_context& ctx)
    : ioc_(ioc), ctx_(ctx), acceptor_(net::make_strand(ioc)), retry_timer_(acceptor_.get_executor()) {}

error_code listener::open(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return ec;
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return ec;
  acceptor_.bind(endpoint, ec);
  if (ec) return ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  return ec;
}

tcp::endpoint listener::local_endpoint() const {
  error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::run() {
  net::dispatch(acceptor_.get_executor(), beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    error_code ec;
    self->acceptor_.close(ec);
    self->retry_timer_.cancel();
  });
}

void listener::do_accept() {
  if (stopped_) return;
  // Each connection gets a strand of its own.
  acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(error_code ec, tcp::socket socket) {
  if (stopped_) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    // Say EMFILE: log, give the process a moment to free descriptors, and
    // accept again.
    ctx_.log.at(log_level::warn, "accept_error").str("error", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(50));
    retry_timer_.async_wait([self = shared_from_this()](error_code wait_ec) {
      if (!wait_ec) self->do_accept();
    });
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  connection_slot slot(ctx_.open_connections);
  ctx_.metrics.connections_total().inc();
  std::make_shared<http_session>(std::move(socket), ctx_, std::move(slot))->run();
  do_accept();
}

}  // namespace advisor::server
