#pragma once
// A listener accepts TCP connections and starts an http_session for each on
// a strand of its own. Connections are counted against --max-connections
// (sessions past it answer 503). After an accept error (say, out of file
// descriptors) it logs, waits a little and accepts again; only stop() ends
// it.
//
// Ownership: shared; pending operations keep it alive. Thread safety:
// stop() may be called from any thread.

#include <memory>

#include "bot/net/net.hpp"
#include "bot/net/net_context.hpp"

namespace advisor::server {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(net::io_context& ioc, net_context& ctx);

  // Opens, binds and listens on endpoint.
  error_code open(const tcp::endpoint& endpoint);
  // The bound endpoint (the real port when 0 was asked for).
  tcp::endpoint local_endpoint() const;

  // Starts accepting.
  void run();
  // Stops accepting (closes the acceptor); open connections are unaffected.
  void stop();

 private:
  void do_accept();
  void on_accept(error_code ec, tcp::socket socket);

  net::io_context& ioc_;
  net_context& ctx_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_timer_;
  bool stopped_ = false;
};

}  // namespace advisor::server
