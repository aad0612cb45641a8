// TEMPORARY STUB: replaced by the real engine shortly. Answers fallback.
#include "bot/engine/brain.hpp"

namespace advisor {

struct brain::impl {
  welcome_message welcome{"Hi! Ask me how a Technical Program Manager and a Product Manager differ.",
                          {"What does a TPM do?", "TPM vs PM?", "Which role suits me?"}};
  std::string version = "stub";
  std::vector<std::string> intents{"fallback"};
};

brain::brain(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
brain::~brain() = default;

std::shared_ptr<const brain> brain::load(const std::filesystem::path&, const std::filesystem::path&,
                                         load_report&) {
  return std::shared_ptr<const brain>(new brain(std::make_unique<impl>()));
}

reply brain::answer(std::string_view, conversation& conv) const {
  conv.record_meta();
  reply r;
  r.text = "Sorry, I did not understand that.";
  r.intent = "fallback";
  return r;
}

const welcome_message& brain::welcome() const { return impl_->welcome; }
const std::string& brain::version() const { return impl_->version; }
const std::vector<std::string>& brain::intent_names() const { return impl_->intents; }
std::size_t brain::rule_count() const { return 0; }

}  // namespace advisor
