// advisor: the TPM-vs-PM advisor server (HTTP + WebSocket on one port).
// Parse options, load the brain, serve until SIGINT/SIGTERM.
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "bot/channels/channels.hpp"
#include "bot/engine/brain.hpp"
#include "bot/server/logger.hpp"
#include "bot/server/server.hpp"
#include "bot/server/server_options.hpp"

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

std::shared_ptr<const advisor::brain> load_brain(const advisor::server::server_options& o,
                                                 advisor::load_report& report) {
  try {
    return advisor::brain::load(o.rules_dir, o.knowledge_dir, report);
  } catch (const std::exception& e) {
    report.add(o.rules_dir.string(), 0, "", std::string("unexpected error while loading: ") + e.what());
    return nullptr;
  }
}

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
    std::cout << advisor::server::options_help();
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

  advisor::server::server server(*options, log, brain);
  // Team-chat webhooks: only those whose secret is configured.
  const auto channels = advisor::channels::add_channel_routes(server.context());
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
