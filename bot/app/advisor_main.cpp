// advisor: the TPM-vs-PM advisor server (HTTP + WebSocket on one port).
// Parse options, load and check the brain, serve until SIGINT/SIGTERM;
// SIGHUP and POST /admin/reload reload the rules and knowledge.
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "bot/channels/channels.hpp"
#include "bot/engine/brain.hpp"
#include "bot/http/admin_routes.hpp"
#include "bot/ops/logger.hpp"
#include "bot/reload/rules_reloader.hpp"
#include "bot/server/server.hpp"
#include "bot/server/server_options.hpp"
#include "bot/sessions/open_session_store.hpp"

namespace {

using advisor::server::log_level;

// Lets the process hold as many sockets as the hard limit allows.
void raise_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

advisor::server::brain_sources sources_of(const advisor::server::server_options& o) {
  return {o.rules_dir, o.knowledge_dir, o.conversations_dir, {.re2_max_mem = o.re2_max_mem, .text_cache = o.text_cache}};
}

std::shared_ptr<const advisor::brain> load_brain(const advisor::server::server_options& o,
                                                 advisor::load_report& report) {
  return advisor::server::load_checked_brain(sources_of(o), report);
}

// Text --help adds to the options: what only the environment sets, signals.
constexpr const char* help_extra =
    "\n"
    "Environment only (secrets are never flags):\n"
    "  ADVISOR_ADMIN_TOKEN   bearer token for POST /admin/reload; unset: no admin routes (404)\n"
    "\n"
    "Signals: SIGTERM/SIGINT drain and stop; SIGHUP reloads rules and knowledge (refused\n"
    "when they have problems or fail the conversation checks; the old set keeps serving).\n";

int check(const advisor::server::server_options& o) {
  advisor::load_report report;
  const auto b = load_brain(o, report);
  if (!report.ok() || b == nullptr) {
    if (!report.ok()) std::cout << report.to_string();
    if (!report.to_string().empty() && report.to_string().back() != '\n') std::cout << '\n';
    const auto n = report.problems().size();
    std::cout << "advisor --check: " << (n == 0 ? 1 : n) << " problem" << (n == 1 || n == 0 ? "" : "s") << " in "
              << o.rules_dir.string() << " and " << o.knowledge_dir.string() << "\n";
    return 1;
  }
  std::cout << "advisor --check: ok: " << b->rule_count() << " rules, " << b->intent_names().size()
            << " intents, version " << b->version() << " (" << o.rules_dir.string() << ", " << o.knowledge_dir.string()
            << (o.conversations_dir.empty() ? std::string(", no conversation checks")
                                            : ", conversation checks " + o.conversations_dir.string())
            << ")\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string error;
  const auto options = advisor::server::parse_options(argc, argv, &std::getenv, error);
  if (!options) {
    std::cerr << "advisor: " << error << "\nTry 'advisor --help'.\n";
    return 2;
  }
  if (options->help) {
    std::cout << advisor::server::options_help() << help_extra;
    return 0;
  }
  if (options->check) return check(*options);

  std::signal(SIGPIPE, SIG_IGN);
  raise_file_limit();
  advisor::server::logger log(options->level, options->log_text);

  advisor::load_report report;
  auto brain = load_brain(*options, report);
  if (brain == nullptr || !report.ok()) {
    for (const auto& p : report.problems()) log.at(log_level::error, "load_problem").str("problem", p.to_string());
    log.always(log_level::error, "load_failed")
        .str("rules", options->rules_dir.string())
        .str("knowledge", options->knowledge_dir.string())
        .num("problems", static_cast<std::uint64_t>(report.problems().size()));
    log.flush();
    std::cerr << "advisor: cannot load rules and knowledge:\n" << report.to_string() << "\n";
    return 1;
  }

  // Start-up errors in the configuration stop the process (exit 1) with the
  // reason, rather than serving with a part silently off.
  const auto startup_error = [&log](const advisor::status& s) {
    log.always(log_level::error, "startup_failed").str("error", s.to_string());
    log.flush();
    std::cerr << "advisor: " << s.to_string() << "\n";
    return 1;
  };
  std::unique_ptr<advisor::server::session_store> sessions;
  if (const auto s = advisor::server::open_session_store(options->sessions, options->session_idle,
                                                         options->max_sessions, log, sessions);
      !s.ok()) {
    return startup_error(s);
  }

  advisor::server::server server(*options, log, brain, std::move(sessions));
  // Declared after the server: destroyed first, while the chat service lives.
  advisor::server::rules_reloader reloader(server.chat(), server.registry(), server.log(), sources_of(*options));
  server.on_reload([&reloader] { reloader.request("SIGHUP"); });
  advisor::server::add_admin_routes(server.routes(), server.metrics(), server.log(), reloader, options->admin_token);
  // Team-chat webhooks: only those whose secret is configured.
  std::vector<std::string> channels;
  if (const auto s = advisor::channels::add_channel_routes(
          {server.routes(), server.chat(), server.log(), server.registry()}, options->channels, channels);
      !s.ok()) {
    return startup_error(s);
  }
  if (const auto ec = server.listen()) {
    log.always(log_level::error, "listen_failed")
        .str("address", options->bind)
        .num("port", static_cast<unsigned>(options->port))
        .str("error", ec.message());
    log.flush();
    std::cerr << "advisor: cannot listen on " << options->bind << ":" << options->port << ": " << ec.message() << "\n";
    return 1;
  }
  const auto endpoint = server.local_endpoint();
  const std::string address = endpoint.address().to_string();
  log.always(log_level::info, "listening").str("address", address).num("port", static_cast<unsigned>(endpoint.port()));
  log.flush();
  log.at(log_level::info, "ready")
      .str("version", brain->version())
      .num("rules", static_cast<std::uint64_t>(brain->rule_count()))
      .num("threads", options->threads);
  for (const auto& name : channels) {
    log.at(log_level::info, "channel_enabled").str("channel", name).str("route", "/hooks/" + name);
  }
  const std::string host = endpoint.address().is_unspecified() ? "localhost" : address;
  std::cerr << "advisor listening on http://" << host << ":" << endpoint.port() << " (WebSocket ws://" << host << ":"
            << endpoint.port() << "/ws)" << std::endl;

  server.run();
  log.always(log_level::info, "stopped");
  log.flush();
  return 0;
}
