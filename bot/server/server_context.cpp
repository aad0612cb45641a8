#include "bot/server/server_context.hpp"

namespace advisor::server {
namespace {

std::vector<std::string> intents_of(const std::shared_ptr<const brain>& b) {
  if (b == nullptr) return {};
  return b->intent_names();
}

}  // namespace

server_context::server_context(server_options opts, logger& logger_ref, std::shared_ptr<const brain> b,
                               std::unique_ptr<session_store> store)
    : options(std::move(opts)),
      limits{options.max_text_chars},
      log(logger_ref),
      sessions(std::move(store)),
      metrics(
          registry, intents_of(b),
          [this] { return static_cast<double>(open_connections.load(std::memory_order_relaxed)); },
          [this] { return static_cast<double>(sessions->size()); }),
      brain_(std::move(b)) {}

}  // namespace advisor::server
