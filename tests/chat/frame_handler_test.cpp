#include "bot/chat/frame_handler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "bot/sessions/memory_session_store.hpp"

using namespace advisor;
using namespace advisor::server;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::shared_ptr<const brain> test_brain() {
  static const auto b = [] {
    load_report report;
    return brain::load(std::filesystem::path(ADVISOR_SOURCE_DIR) / "rules",
                       std::filesystem::path(ADVISOR_SOURCE_DIR) / "knowledge", report);
  }();
  REQUIRE(b != nullptr);
  return b;
}

// A chat service with the given rate options, logging to /dev/null.
struct context_fixture {
  int null_fd = open("/dev/null", O_WRONLY);
  logger log{log_level::debug, false, null_fd};
  memory_session_store sessions{std::chrono::minutes(30), 1000};
  metrics_registry registry;
  server_metrics metrics{registry, test_brain()->intent_names(), [] { return 0.0; }, [] { return 0.0; }};
  chat_service chat{protocol::text_limits{}, sessions, metrics, log, test_brain()};
  rate_options rate;

  explicit context_fixture(rate_options r = {}) : rate(r) {}
  ~context_fixture() { close(null_fd); }
};

json::object parse(const std::string& s) { return json::parse(s).as_object(); }

const auto t0 = frame_handler::clock::time_point{} + 1h;

}  // namespace

TEST_CASE("frame_handler starts a new session and saves it at once", "[server]") {
  context_fixture f;
  frame_handler h(f.chat, f.rate, "", t0);
  CHECK_FALSE(h.resumed());
  CHECK(h.session_id().size() == 22);
  CHECK(f.sessions.load(h.session_id()).has_value());
  const auto w = parse(h.welcome());
  CHECK(w.at("type") == "welcome");
  CHECK(w.at("session").as_string() == h.session_id());
  CHECK(w.at("version") == "1");
}

TEST_CASE("frame_handler resumes a known session and replaces an unknown one", "[server]") {
  context_fixture f;
  std::string id;
  {
    frame_handler h(f.chat, f.rate, "", t0);
    id = h.session_id();
    h.handle(R"({"type":"message","text":"What does a TPM do?"})", t0);
  }
  frame_handler again(f.chat, f.rate, id, t0);
  CHECK(again.resumed());
  CHECK(again.session_id() == id);
  CHECK(f.sessions.load(id)->turns() == 1);

  frame_handler fresh(f.chat, f.rate, "unknown", t0);
  CHECK_FALSE(fresh.resumed());
  CHECK(fresh.session_id() != "unknown");
}

TEST_CASE("frame_handler answers each frame type with exactly one frame", "[server]") {
  context_fixture f;
  frame_handler h(f.chat, f.rate, "", t0);
  auto r = parse(h.handle(R"({"type":"message","id":"c1","text":"What does a TPM do?"})", t0).frame);
  CHECK(r.at("type") == "reply");
  CHECK(r.at("reply_to") == "c1");
  CHECK(r.at("version").as_string() == test_brain()->version());
  CHECK(f.sessions.load(h.session_id())->turns() == 1);

  r = parse(h.handle(R"({"type":"ping","id":"p"})", t0).frame);
  CHECK(r == json::object{{"type", "pong"}, {"reply_to", "p"}});

  r = parse(h.handle(R"({"type":"reset"})", t0).frame);
  CHECK(r == json::object{{"type", "reset_ok"}, {"reply_to", nullptr}});
  CHECK(f.sessions.load(h.session_id())->turns() == 0);  // context forgotten

  r = parse(h.handle("{oops", t0).frame);
  CHECK(r.at("type") == "error");
  CHECK(r.at("code") == "bad_json");
  CHECK(f.metrics.error_counter(protocol::wire_error::bad_json).value() == 1);
  CHECK(f.metrics.messages_total().value() == 4);
}

TEST_CASE("frame_handler rate-limits messages, not pings, and reports sustained abuse", "[server]") {
  rate_options o;
  o.msg_rate = 10;
  o.msg_burst = 20;
  o.abuse_factor = 10;
  o.abuse_window = 1s;
  context_fixture f(o);
  frame_handler h(f.chat, f.rate, "", t0);
  const std::string msg = R"({"type":"message","id":"m","text":"hi"})";
  for (int i = 0; i < 20; ++i) REQUIRE(parse(h.handle(msg, t0).frame).at("type") == "reply");
  auto r = parse(h.handle(msg, t0).frame);
  CHECK(r.at("type") == "error");
  CHECK(r.at("code") == "rate_limited");
  CHECK(r.at("reply_to") == "m");
  CHECK(parse(h.handle(R"({"type":"ping"})", t0).frame).at("type") == "pong");
  CHECK(parse(h.handle(msg, t0 + 100ms).frame).at("type") == "reply");  // one token refilled

  // 100 frames/s (10x the rate) for the whole 1 s window: abuse.
  bool abusive = false;
  auto t = t0 + 1s;
  for (int i = 0; i < 300 && !abusive; ++i, t += 5ms) abusive = h.handle(msg, t).abusive;
  CHECK(abusive);
  CHECK(t - (t0 + 1s) >= 900ms);
}
