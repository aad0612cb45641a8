#include "bot/server/frame_handler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "bot/server/memory_session_store.hpp"

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

// A server_context with the given options, logging to /dev/null.
struct context_fixture {
  int null_fd = open("/dev/null", O_WRONLY);
  logger log{log_level::debug, false, null_fd};
  server_context ctx;

  explicit context_fixture(server_options o = {})
      : ctx(o, log, test_brain(), std::make_unique<memory_session_store>(o.session_idle, o.max_sessions)) {}
  ~context_fixture() { close(null_fd); }
};

json::object parse(const std::string& s) { return json::parse(s).as_object(); }

const auto t0 = frame_handler::clock::time_point{} + 1h;

}  // namespace

TEST_CASE("frame_handler starts a new session and saves it at once", "[server]") {
  context_fixture f;
  frame_handler h(f.ctx, test_brain(), "", t0);
  CHECK_FALSE(h.resumed());
  CHECK(h.session_id().size() == 22);
  CHECK(f.ctx.sessions->load(h.session_id()).has_value());
  const auto w = parse(h.welcome());
  CHECK(w.at("type") == "welcome");
  CHECK(w.at("session").as_string() == h.session_id());
  CHECK(w.at("version") == "1");
}

TEST_CASE("frame_handler resumes a known session and replaces an unknown one", "[server]") {
  context_fixture f;
  std::string id;
  {
    frame_handler h(f.ctx, test_brain(), "", t0);
    id = h.session_id();
    h.handle(R"({"type":"message","text":"What does a TPM do?"})", t0);
  }
  frame_handler again(f.ctx, test_brain(), id, t0);
  CHECK(again.resumed());
  CHECK(again.session_id() == id);
  CHECK(f.ctx.sessions->load(id)->turns() == 1);

  frame_handler fresh(f.ctx, test_brain(), "unknown", t0);
  CHECK_FALSE(fresh.resumed());
  CHECK(fresh.session_id() != "unknown");
}

TEST_CASE("frame_handler answers each frame type with exactly one frame", "[server]") {
  context_fixture f;
  frame_handler h(f.ctx, test_brain(), "", t0);
  auto r = parse(h.handle(R"({"type":"message","id":"c1","text":"What does a TPM do?"})", t0).frame);
  CHECK(r.at("type") == "reply");
  CHECK(r.at("reply_to") == "c1");
  CHECK(r.at("version").as_string() == test_brain()->version());
  CHECK(f.ctx.sessions->load(h.session_id())->turns() == 1);

  r = parse(h.handle(R"({"type":"ping","id":"p"})", t0).frame);
  CHECK(r == json::object{{"type", "pong"}, {"reply_to", "p"}});

  r = parse(h.handle(R"({"type":"reset"})", t0).frame);
  CHECK(r == json::object{{"type", "reset_ok"}, {"reply_to", nullptr}});
  CHECK(f.ctx.sessions->load(h.session_id())->turns() == 0);  // context forgotten

  r = parse(h.handle("{oops", t0).frame);
  CHECK(r.at("type") == "error");
  CHECK(r.at("code") == "bad_json");
  CHECK(f.ctx.metrics.error_counter(protocol::wire_error::bad_json).value() == 1);
  CHECK(f.ctx.metrics.messages_total().value() == 4);
}

TEST_CASE("frame_handler rate-limits messages, not pings, and reports sustained abuse", "[server]") {
  server_options o;
  o.msg_rate = 10;
  o.msg_burst = 20;
  o.abuse_factor = 10;
  o.abuse_window = 1s;
  context_fixture f(o);
  frame_handler h(f.ctx, test_brain(), "", t0);
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
