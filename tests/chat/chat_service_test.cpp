// The chat service: one turn, whatever the transport.
#include "bot/chat/chat_service.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "bot/sessions/memory_session_store.hpp"

using namespace advisor;
using namespace advisor::server;
namespace json = boost::json;

namespace {

std::shared_ptr<const brain> shipped_brain() {
  static const auto b = [] {
    load_report report;
    return brain::load(std::filesystem::path(ADVISOR_SOURCE_DIR) / "rules",
                       std::filesystem::path(ADVISOR_SOURCE_DIR) / "knowledge", report);
  }();
  REQUIRE(b != nullptr);
  return b;
}

struct fixture {
  int null_fd = open("/dev/null", O_WRONLY);
  logger log{log_level::debug, false, null_fd};
  memory_session_store sessions{std::chrono::minutes(30), 1000};
  metrics_registry registry;
  server_metrics metrics{registry, shipped_brain()->intent_names(), [] { return 0.0; }, [] { return 0.0; }};
  chat_service chat;

  explicit fixture(std::shared_ptr<const brain> b = shipped_brain())
      : chat(protocol::text_limits{20}, sessions, metrics, log, std::move(b)) {}
  ~fixture() { close(null_fd); }
};

turn_request platform(std::string_view text, std::string_view key) {
  turn_request r;
  r.text = text;
  r.session = key;
  r.channel = "slack";
  r.source = text_source::platform;
  return r;
}

}  // namespace

TEST_CASE("chat_service answers a stored conversation and saves it", "[chat]") {
  fixture f;
  turn_request r;
  r.text = "What does a TPM do?";
  r.session = "k1";
  r.channel = "http";
  r.form = reply_form::frame_with_session;
  r.id = "a";
  const auto out = f.chat.turn(r);
  REQUIRE(out.status == turn_result::outcome::answered);
  CHECK_FALSE(out.reply.intent.empty());
  const auto frame = json::parse(out.frame).as_object();
  CHECK(frame.at("type") == "reply");
  CHECK(frame.at("reply_to") == "a");
  CHECK(frame.at("session") == "k1");
  CHECK(f.sessions.load("k1")->turns() == 1);
  CHECK(f.metrics.reply_counter(out.reply.intent).value() == 1);
}

TEST_CASE("chat_service applies the platform text rules", "[chat]") {
  fixture f;
  // Empty (after trimming) asks for help.
  auto out = f.chat.turn(platform("  \n ", "p/t/c/u"));
  CHECK(out.reply.intent == "help");
  CHECK(f.sessions.load("p/t/c/u")->turns() == 1);
  // Over the limit: a short reply, not an error; the conversation untouched.
  out = f.chat.turn(platform("a question far longer than twenty characters", "p/t/c/u2"));
  CHECK(out.status == turn_result::outcome::answered);
  CHECK(out.reply.intent == "too_long");
  CHECK(out.reply.text == "That question is too long (over 20 characters). Please ask something shorter.");
  CHECK_FALSE(f.sessions.load("p/t/c/u2").has_value());
  CHECK(f.metrics.error_counter(protocol::wire_error::too_long).value() == 1);
}

TEST_CASE("chat_service answers not_ready without a brain, and uses the brain current at each turn", "[chat]") {
  fixture f(nullptr);
  CHECK_FALSE(f.chat.ready());
  turn_request r;
  r.text = "hi";
  r.session = "k";
  CHECK(f.chat.turn(r).status == turn_result::outcome::not_ready);
  CHECK_FALSE(f.sessions.load("k").has_value());
  f.chat.set_brain(shipped_brain());
  CHECK(f.chat.turn(r).status == turn_result::outcome::answered);
}

TEST_CASE("chat_service opens new sessions and resumes known ones", "[chat]") {
  fixture f;
  const auto fresh = f.chat.open("", /*save_new=*/true);
  CHECK_FALSE(fresh.resumed);
  CHECK(fresh.id.size() == 22);
  CHECK(f.sessions.load(fresh.id).has_value());
  const auto again = f.chat.open(fresh.id, true);
  CHECK(again.resumed);
  CHECK(again.id == fresh.id);
  const auto unsaved = f.chat.open("unknown", /*save_new=*/false);
  CHECK_FALSE(unsaved.resumed);
  CHECK_FALSE(f.sessions.load(unsaved.id).has_value());
}
