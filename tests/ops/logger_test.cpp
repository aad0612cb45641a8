#include "bot/ops/logger.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace advisor::server;

namespace {

// Reads what the logger wrote into a pipe.
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

}  // namespace

TEST_CASE("logger writes one JSON object per line with time, level and event first", "[server]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  {
    logger log(log_level::info, false, fds[1]);
    log.at(log_level::info, "reply")
        .str("session", "s\"1")
        .num("latency_us", 12)
        .num("confidence", 0.5)
        .boolean("ok", true);
    log.at(log_level::debug, "hidden").str("x", "y");
    log.at(log_level::warn, "odd").str("text", "line\nbreak\x01");
    log.always(log_level::debug, "listening").num("port", 1234u);
    log.flush();
  }
  close(fds[1]);
  const auto out = drain(fds[0]);
  close(fds[0]);

  std::vector<boost::json::object> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    REQUIRE(end != std::string::npos);
    lines.push_back(boost::json::parse(out.substr(start, end - start)).as_object());
    start = end + 1;
  }
  REQUIRE(lines.size() == 3);
  CHECK(out.find("{\"time\":\"") == 0);
  CHECK(lines[0].at("level") == "info");
  CHECK(lines[0].at("event") == "reply");
  CHECK(lines[0].at("session") == "s\"1");
  CHECK(lines[0].at("latency_us") == 12);
  CHECK(lines[0].at("confidence") == 0.5);
  CHECK(lines[0].at("ok") == true);
  CHECK(lines[0].at("time").as_string().size() == 27);  // 2025-01-31T12:00:00.123456Z
  CHECK(lines[1].at("level") == "warn");
  CHECK(lines[1].at("text") == "line\nbreak\x01");
  CHECK(lines[2].at("event") == "listening");
  CHECK(lines[2].at("port") == 1234);
  CHECK(out.find("hidden") == std::string::npos);
}

TEST_CASE("parse_log_level knows the four levels", "[server]") {
  CHECK(parse_log_level("debug") == log_level::debug);
  CHECK(parse_log_level("info") == log_level::info);
  CHECK(parse_log_level("warn") == log_level::warn);
  CHECK(parse_log_level("error") == log_level::error);
  CHECK_FALSE(parse_log_level("loud").has_value());
}
