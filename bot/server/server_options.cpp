#include "bot/server/server_options.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <thread>

#include "bot/sessions/open_session_store.hpp"

namespace advisor::server {
namespace {

#ifdef ADVISOR_SOURCE_DIR
constexpr std::string_view default_data_root = ADVISOR_SOURCE_DIR;
#else
constexpr std::string_view default_data_root = ".";
#endif

using setter = std::function<bool(server_options&, std::string_view, std::string&)>;
using shower = std::function<std::string(const server_options&)>;

// One flag: --name, its environment variable ADVISOR_NAME (when from_env),
// how to set it from text and how to show its default.
struct option_spec {
  std::string_view name;  // without "--"
  std::string_view arg;   // value placeholder; empty for a switch
  std::string_view help;
  bool from_env;
  setter set;
  shower show;
  bool secret = false;  // environment or secrets file only; its value never appears in messages
};

std::string env_name(std::string_view flag) {
  std::string out = "ADVISOR_";
  for (const char c : flag)
    out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_bool(std::string_view s, bool& out) {
  if (s == "1" || s == "true" || s == "yes" || s == "on") return out = true, true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return out = false, true;
  return false;
}

// "250ms", "10s", "30m", "1h", "1.5s"; a bare number is seconds.
bool parse_duration(std::string_view s, std::chrono::milliseconds& out) {
  std::size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  double value = 0;
  if (!parse_number(s.substr(0, i), value) || value < 0) return false;
  const std::string_view unit = s.substr(i);
  double ms_per_unit = 0;
  if (unit.empty() || unit == "s")
    ms_per_unit = 1000;
  else if (unit == "ms")
    ms_per_unit = 1;
  else if (unit == "m" || unit == "min")
    ms_per_unit = 60'000;
  else if (unit == "h")
    ms_per_unit = 3'600'000;
  else
    return false;
  const double ms = value * ms_per_unit;
  if (ms > 1e12) return false;
  out = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
  return true;
}

std::string show_duration(std::chrono::milliseconds d) {
  const auto ms = d.count();
  if (ms % 3'600'000 == 0 && ms != 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % 60'000 == 0 && ms != 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// "16384", "16KiB", "16k", "1MiB", "1M".
bool parse_size(std::string_view s, std::size_t& out) {
  std::size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::uint64_t value = 0;
  if (!parse_number(s.substr(0, i), value)) return false;
  const std::string_view unit = s.substr(i);
  std::uint64_t mult = 0;
  if (unit.empty() || unit == "B")
    mult = 1;
  else if (unit == "KiB" || unit == "K" || unit == "k" || unit == "KB" || unit == "kB")
    mult = 1024;
  else if (unit == "MiB" || unit == "M" || unit == "MB")
    mult = 1024 * 1024;
  else
    return false;
  if (value > (std::uint64_t{1} << 40) / mult) return false;
  out = static_cast<std::size_t>(value * mult);
  return true;
}

std::string show_size(std::size_t n) {
  if (n % (1024 * 1024) == 0 && n != 0) return std::to_string(n / (1024 * 1024)) + "MiB";
  if (n % 1024 == 0 && n != 0) return std::to_string(n / 1024) + "KiB";
  return std::to_string(n);
}

std::string show_double(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc() ? end : buf);
}

setter size_field(std::size_t server_options::*field, std::size_t lo, std::size_t hi) {
  return [=](server_options& o, std::string_view v, std::string& err) {
    std::size_t n = 0;
    if (!parse_size(v, n)) return err = "expected a size such as 16384, 16KiB or 1MiB", false;
    if (n < lo || n > hi) return err = "must be between " + std::to_string(lo) + " and " + std::to_string(hi), false;
    o.*field = n;
    return true;
  };
}

setter count_field(std::size_t server_options::*field, std::size_t lo, std::size_t hi) {
  return [=](server_options& o, std::string_view v, std::string& err) {
    std::size_t n = 0;
    if (!parse_number(v, n)) return err = "expected a whole number", false;
    if (n < lo || n > hi) return err = "must be between " + std::to_string(lo) + " and " + std::to_string(hi), false;
    o.*field = n;
    return true;
  };
}

setter real_field(double server_options::*field, double lo, double hi) {
  return [=](server_options& o, std::string_view v, std::string& err) {
    double d = 0;
    if (!parse_number(v, d) || !std::isfinite(d)) return err = "expected a number", false;
    if (d < lo || d > hi) return err = "must be between " + show_double(lo) + " and " + show_double(hi), false;
    o.*field = d;
    return true;
  };
}

setter duration_field(std::chrono::milliseconds server_options::*field, std::chrono::milliseconds lo) {
  return [=](server_options& o, std::string_view v, std::string& err) {
    std::chrono::milliseconds d{};
    if (!parse_duration(v, d)) return err = "expected a duration such as 250ms, 10s, 30m or 1h", false;
    if (d < lo) return err = "must be at least " + show_duration(lo), false;
    o.*field = d;
    return true;
  };
}

// Splits a comma-separated list, trimming spaces; empty items are dropped.
std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    const auto comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

bool is_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') continue;
    if (c == '=' && i + 2 >= s.size()) continue;
    return false;
  }
  return true;
}

setter text_field(std::string server_options::*field) {
  return [=](server_options& o, std::string_view v, std::string&) {
    o.*field = std::string(v);
    return true;
  };
}

setter channel_text_field(std::string channels::channel_options::*field) {
  return [=](server_options& o, std::string_view v, std::string&) {
    o.channels.*field = std::string(v);
    return true;
  };
}

setter switch_field(bool server_options::*field) {
  return [=](server_options& o, std::string_view v, std::string& err) {
    bool b = false;
    if (!parse_bool(v, b)) return err = "expected true or false", false;
    o.*field = b;
    return true;
  };
}

const std::vector<option_spec>& specs() {
  using o = server_options;
  using std::chrono::milliseconds;
  static const std::vector<option_spec> all = {
      {"port", "PORT", "TCP port to listen on; 0 picks a free port", true,
       [](o& opt, std::string_view v, std::string& err) {
         unsigned n = 0;
         if (!parse_number(v, n) || n > 65535) return err = "expected a port number 0..65535", false;
         opt.port = static_cast<std::uint16_t>(n);
         return true;
       },
       [](const o& opt) { return std::to_string(opt.port); }},
      {"bind", "ADDR", "IP address to listen on", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (v.empty()) return err = "expected an IP address", false;
         opt.bind = std::string(v);
         return true;
       },
       [](const o& opt) { return opt.bind; }},
      {"threads", "N", "I/O threads (0: one per core)", true,
       [](o& opt, std::string_view v, std::string& err) {
         unsigned n = 0;
         if (!parse_number(v, n) || n > 1024) return err = "expected a number of threads 0..1024", false;
         opt.threads = n;
         return true;
       },
       [](const o&) { return std::string("number of cores"); }},
      {"rules", "DIR", "directory of rules/*.json", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (v.empty()) return err = "expected a directory", false;
         opt.rules_dir = std::string(v);
         return true;
       },
       [](const o&) { return std::string(default_data_root) + "/rules"; }},
      {"knowledge", "DIR", "directory of knowledge/*.json", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (v.empty()) return err = "expected a directory", false;
         opt.knowledge_dir = std::string(v);
         return true;
       },
       [](const o&) { return std::string(default_data_root) + "/knowledge"; }},
      {"conversations", "DIR",
       "conversation checks (*.jsonl) the rules must pass at start, --check and reload ('none': no checks)", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (v.empty()) return err = "expected a directory or 'none'", false;
         opt.conversations_dir = std::string(v);
         return true;
       },
       [](const o&) { return std::string(default_data_root) + "/rules/checks"; }},
      {"re2-max-mem", "SIZE",
       "re2's memory budget for each set of rule expressions (a single expression gets a quarter); rules that do not "
       "fit fail to load",
       true, size_field(&o::re2_max_mem, 1024 * 1024, std::size_t{1} << 30),
       [](const o& opt) { return show_size(opt.re2_max_mem); }},
      {"text-cache", "N",
       "texts per server thread whose normalised form and rule matches are kept, so a text seen again skips both "
       "(answers are the same; rounded up to a power of two; texts over 512 bytes are never kept; 0: off)",
       true, count_field(&o::text_cache, 0, 1u << 20), [](const o& opt) { return std::to_string(opt.text_cache); }},
      {"max-message-bytes", "SIZE", "largest WebSocket message, all fragments together (larger: close 1009)", true,
       size_field(&o::max_message_bytes, 256, 64 * 1024 * 1024),
       [](const o& opt) { return show_size(opt.max_message_bytes); }},
      {"max-text-chars", "N", "longest `text` in code points after trimming (longer: too_long)", true,
       count_field(&o::max_text_chars, 1, 1'000'000), [](const o& opt) { return std::to_string(opt.max_text_chars); }},
      {"max-queue", "N", "outbound frames queued per WebSocket; when full the server stops reading that peer", true,
       count_field(&o::max_queue, 1, 100'000), [](const o& opt) { return std::to_string(opt.max_queue); }},
      {"msg-rate", "N", "sustained messages per second per connection (0: no rate limit)", true,
       real_field(&o::msg_rate, 0, 1e9), [](const o& opt) { return show_double(opt.msg_rate); }},
      {"msg-burst", "N", "burst of messages allowed above the rate", true, real_field(&o::msg_burst, 1, 1e9),
       [](const o& opt) { return show_double(opt.msg_burst); }},
      {"abuse-factor", "N", "frames at N times the rate for --abuse-window close the connection with 1008 (0: never)",
       true, real_field(&o::abuse_factor, 0, 1e6), [](const o& opt) { return show_double(opt.abuse_factor); }},
      {"abuse-window", "DURATION", "how long abuse must last before the connection is closed", true,
       duration_field(&o::abuse_window, milliseconds(10)),
       [](const o& opt) { return show_duration(opt.abuse_window); }},
      {"permessage-deflate", "", "offer WebSocket permessage-deflate compression", true,
       switch_field(&o::permessage_deflate),
       [](const o& opt) { return std::string(opt.permessage_deflate ? "on" : "off"); }},
      {"allowed-origins", "LIST",
       "comma-separated Origins of pages embedding the widget: they may open WebSockets (others: 403) and frame /",
       true,
       [](o& opt, std::string_view v, std::string&) {
         opt.allowed_origins.clear();
         while (!v.empty()) {
           const auto comma = v.find(',');
           std::string_view item = v.substr(0, comma);
           while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
           while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
           while (!item.empty() && item.back() == '/') item.remove_suffix(1);
           if (!item.empty()) opt.allowed_origins.emplace_back(item);
           if (comma == std::string_view::npos) break;
           v.remove_prefix(comma + 1);
         }
         return true;
       },
       [](const o&) { return std::string("all"); }},
      {"max-body-bytes", "SIZE", "largest HTTP request body (larger: 413)", true,
       size_field(&o::max_body_bytes, 1, 64 * 1024 * 1024), [](const o& opt) { return show_size(opt.max_body_bytes); }},
      {"max-header-bytes", "SIZE", "largest HTTP request line plus headers (larger: 431)", true,
       size_field(&o::max_header_bytes, 512, 1024 * 1024),
       [](const o& opt) { return show_size(opt.max_header_bytes); }},
      {"max-connections", "N", "most open connections; past it HTTP and upgrades get 503", true,
       count_field(&o::max_connections, 1, 10'000'000),
       [](const o& opt) { return std::to_string(opt.max_connections); }},
      {"handshake-timeout", "DURATION",
       "WebSocket opening (after the upgrade request is read) and closing handshake timeout", true,
       duration_field(&o::handshake_timeout, milliseconds(10)),
       [](const o& opt) { return show_duration(opt.handshake_timeout); }},
      {"idle-timeout", "DURATION", "idle WebSockets are pinged after half of this and closed after all of it", true,
       duration_field(&o::idle_timeout, milliseconds(10)),
       [](const o& opt) { return show_duration(opt.idle_timeout); }},
      {"http-timeout", "DURATION",
       "time to read one HTTP request (a WebSocket upgrade request too); keep-alive idle time", true,
       duration_field(&o::http_timeout, milliseconds(10)),
       [](const o& opt) { return show_duration(opt.http_timeout); }},
      {"shutdown-timeout", "DURATION",
       "on SIGTERM/SIGINT, longest wait for replies in flight; then the rest is closed and the exit is 0", true,
       duration_field(&o::shutdown_timeout, milliseconds(0)),
       [](const o& opt) { return show_duration(opt.shutdown_timeout); }},
      {"session-idle", "DURATION", "a conversation's context is kept this long after its last use", true,
       duration_field(&o::session_idle, milliseconds(1)), [](const o& opt) { return show_duration(opt.session_idle); }},
      {"max-sessions", "N", "most conversations kept; the least recently used is evicted first", true,
       count_field(&o::max_sessions, 1, 100'000'000), [](const o& opt) { return std::to_string(opt.max_sessions); }},
      {"sessions", "STORE",
       "where conversations are kept: memory (this process) or redis://host:port[/db] (shared by replicas)", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (const auto s = check_session_store_url(v); !s.ok()) return err = s.message(), false;
         opt.sessions = std::string(v);
         return true;
       },
       [](const o& opt) { return opt.sessions; }},
      {"log-level", "LEVEL", "debug, info, warn or error", true,
       [](o& opt, std::string_view v, std::string& err) {
         auto level = parse_log_level(v);
         if (!level) return err = "expected debug, info, warn or error", false;
         opt.level = *level;
         return true;
       },
       [](const o& opt) { return std::string(to_string(opt.level)); }},
      {"log-text", "", "include user text in logs", true, switch_field(&o::log_text),
       [](const o& opt) { return std::string(opt.log_text ? "on" : "off"); }},
      {"secrets-file", "FILE", "file of ADVISOR_NAME=value lines (channel secrets); read before the environment", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (v.empty()) return err = "expected a file name", false;
         opt.secrets_file = std::string(v);
         return true;
       },
       [](const o&) { return std::string("none"); }},
      {"slack-signing-secret", "SECRET", "Slack app signing secret; enables POST /hooks/slack", true,
       channel_text_field(&channels::channel_options::slack_signing_secret),
       [](const o&) { return std::string("unset"); }, true},
      {"slack-bot-token", "TOKEN", "Slack bot token (xoxb-...) for Events API answers via chat.postMessage", true,
       channel_text_field(&channels::channel_options::slack_bot_token), [](const o&) { return std::string("unset"); },
       true},
      {"slack-api-url", "URL", "Slack Web API base URL (http:// or https://)", true,
       [](o& opt, std::string_view v, std::string& err) {
         if (!v.starts_with("http://") && !v.starts_with("https://")) return err = "expected an http(s):// URL", false;
         while (v.size() > 8 && v.back() == '/') v.remove_suffix(1);
         opt.channels.slack_api_url = std::string(v);
         return true;
       },
       [](const o& opt) { return opt.channels.slack_api_url; }},
      {"slack-api-timeout", "DURATION", "longest wait for one Slack chat.postMessage call; then it is counted failed",
       true,
       [](o& opt, std::string_view v, std::string& err) {
         std::chrono::milliseconds d{};
         if (!parse_duration(v, d)) return err = "expected a duration such as 250ms, 10s, 30m or 1h", false;
         if (d < milliseconds(10)) return err = "must be at least 10ms", false;
         opt.channels.slack_api_timeout = d;
         return true;
       },
       [](const o& opt) { return show_duration(opt.channels.slack_api_timeout); }},
      {"mattermost-token", "TOKENS",
       "Mattermost webhook/slash-command tokens, comma-separated; enables /hooks/mattermost", true,
       [](o& opt, std::string_view v, std::string&) {
         opt.channels.mattermost_tokens = split_list(v);
         return true;
       },
       [](const o&) { return std::string("unset"); }, true},
      {"teams-secrets", "PAIRS",
       "Teams outgoing-webhook tokens as id=base64 pairs, comma-separated (empty id: no ?id=); enables /hooks/teams",
       true,
       [](o& opt, std::string_view v, std::string& err) {
         opt.channels.teams_secrets.clear();
         for (const auto& item : split_list(v)) {
           const auto eq = item.find('=');
           if (eq == std::string::npos) return err = "expected id=base64 pairs separated by commas", false;
           std::string id = item.substr(0, eq);
           std::string key = item.substr(eq + 1);
           while (!id.empty() && id.back() == ' ') id.pop_back();
           while (!key.empty() && key.front() == ' ') key.erase(0, 1);
           if (!is_base64(key)) return err = "the token for id '" + id + "' is not base64", false;
           opt.channels.teams_secrets.emplace_back(std::move(id), std::move(key));
         }
         return true;
       },
       [](const o&) { return std::string("unset"); }, true},
      {"discord-public-key", "HEX", "Discord application public key (64 hex digits); enables /hooks/discord", true,
       [](o& opt, std::string_view v, std::string& err) {
         const bool hex = v.size() == 64 && std::all_of(v.begin(), v.end(), [](char c) {
                            return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                          });
         if (!v.empty() && !hex) return err = "expected 64 hex digits", false;
         opt.channels.discord_public_key = std::string(v);
         return true;
       },
       [](const o&) { return std::string("unset"); }},
      {"admin-token", "TOKEN", "bearer token for POST /admin/reload (hot reload); unset: no admin routes", true,
       text_field(&o::admin_token), [](const o&) { return std::string("unset"); }, true},
      {"check", "", "load and validate rules and knowledge, print every problem, exit 0 (clean) or 1", false,
       switch_field(&o::check), [](const o&) { return std::string(); }},
      {"help", "", "print this help and exit", false, switch_field(&o::help), [](const o&) { return std::string(); }},
  };
  return all;
}

const option_spec* find_spec(std::string_view name) {
  for (const auto& s : specs()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

namespace {

// "VAR='value'", or just VAR for secrets (their values never appear in messages).
std::string shown(const option_spec& spec, const std::string& var, std::string_view value) {
  return spec.secret ? var : var + "='" + std::string(value) + "'";
}

// The --secrets-file value: from argv when given there, else the environment.
std::optional<std::string> secrets_file_name(int argc, const char* const* argv, const env_lookup& env) {
  std::optional<std::string> name;
  if (env) {
    if (const char* v = env("ADVISOR_SECRETS_FILE")) name = v;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--secrets-file=")) {
      name = std::string(a.substr(15));
    } else if (a == "--secrets-file" && i + 1 < argc) {
      name = argv[++i];
    }
  }
  return name;
}

// Applies the secrets file's ADVISOR_NAME=value lines.
bool read_secrets_file(const std::string& file, server_options& opt, std::string& error) {
  std::ifstream in(file);
  if (!in) {
    error = "cannot read secrets file '" + file + "'";
    return false;
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view l = line;
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
    if (l.empty() || l.front() == '#') continue;
    if (l.starts_with("export ")) l.remove_prefix(7);
    const auto eq = l.find('=');
    const std::string where = "secrets file '" + file + "' line " + std::to_string(number);
    if (eq == std::string_view::npos) {
      error = where + ": expected ADVISOR_NAME=value";
      return false;
    }
    std::string_view name = l.substr(0, eq);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    std::string_view value = l.substr(eq + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    const option_spec* spec = nullptr;
    for (const auto& s : specs()) {
      if (s.from_env && env_name(s.name) == name && s.name != "secrets-file") spec = &s;
    }
    if (spec == nullptr) {
      error = where + ": unknown setting '" + std::string(name) + "'";
      return false;
    }
    std::string why;
    if (!spec->set(opt, value, why)) {
      error = where + ": " + shown(*spec, std::string(name), value) + ": " + why;
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<server_options> parse_options(int argc, const char* const* argv, const env_lookup& env,
                                            std::string& error) {
  server_options opt;
  if (const auto file = secrets_file_name(argc, argv, env)) {
    if (file->empty()) {
      error = "option '--secrets-file' needs a file name";
      return std::nullopt;
    }
    if (!read_secrets_file(*file, opt, error)) return std::nullopt;
  }
  for (const auto& spec : specs()) {
    if (!spec.from_env || !env) continue;
    const std::string var = env_name(spec.name);
    const char* value = env(var.c_str());
    if (value == nullptr) continue;
    std::string why;
    if (!spec.set(opt, value, why)) {
      error = "environment variable " + shown(spec, var, value) + ": " + why;
      return std::nullopt;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--" || a.size() == 2) {
      error = "unexpected argument '" + std::string(a) + "'";
      return std::nullopt;
    }
    a.remove_prefix(2);
    std::optional<std::string_view> value;
    if (const auto eq = a.find('='); eq != std::string_view::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
    }
    const option_spec* spec = find_spec(a);
    if (spec == nullptr) {
      error = "unknown option '--" + std::string(a) + "'";
      return std::nullopt;
    }
    if (spec->secret) {
      error = "option '--" + std::string(a) + "': secrets are not accepted on the command line (visible in ps); set " +
              env_name(spec->name) + " in the environment or the --secrets-file";
      return std::nullopt;
    }
    if (spec->arg.empty()) {
      if (!value) value = "true";
    } else if (!value) {
      if (i + 1 >= argc) {
        error = "option '--" + std::string(a) + "' needs a value (" + std::string(spec->arg) + ")";
        return std::nullopt;
      }
      value = argv[++i];
    }
    std::string why;
    if (!spec->set(opt, *value, why)) {
      error = "option '--" + std::string(a) + "' value '" + std::string(*value) + "': " + why;
      return std::nullopt;
    }
  }
  if (opt.threads == 0) opt.threads = std::max(1u, std::thread::hardware_concurrency());
  if (opt.rules_dir.empty()) opt.rules_dir = std::filesystem::path(std::string(default_data_root)) / "rules";
  if (opt.knowledge_dir.empty())
    opt.knowledge_dir = std::filesystem::path(std::string(default_data_root)) / "knowledge";
  if (opt.conversations_dir.empty())
    opt.conversations_dir = std::filesystem::path(std::string(default_data_root)) / "rules" / "checks";
  else if (opt.conversations_dir == "none")
    opt.conversations_dir.clear();
  return opt;
}

std::string options_help() {
  const server_options defaults;
  std::string out =
      "Usage: advisor [OPTIONS]\n"
      "\n"
      "Serves the TPM-vs-PM advisor over HTTP and WebSocket on one port:\n"
      "  GET /ws (WebSocket), POST /api/v1/chat, GET /healthz, GET /readyz, GET /metrics,\n"
      "  POST /hooks/slack|mattermost|teams|discord (each only when its secret is set).\n"
      "\n"
      "Every option can also be set by the environment variable shown (the flag wins).\n"
      "Durations take ms, s, m or h (a bare number is seconds); sizes take KiB or MiB.\n"
      "\n"
      "Options:\n";
  for (const auto& spec : specs()) {
    // Secrets have no flag: show their variable instead.
    std::string head = "  ";
    if (spec.secret) {
      head += env_name(spec.name);
    } else {
      head += "--";
      head += spec.name;
    }
    if (!spec.arg.empty() && !spec.secret) {
      head += ' ';
      head += spec.arg;
    }
    out += head;
    if (head.size() >= 34) {
      out += '\n';
      head.clear();
    }
    out.append(34 - head.size(), ' ');
    out += spec.help;
    if (spec.secret) {
      out += " [secret: environment or --secrets-file only, never a flag]\n";
      continue;
    }
    std::string extra;
    const std::string def = spec.show(defaults);
    if (!def.empty()) extra = "default: " + def;
    if (spec.from_env) {
      if (!extra.empty()) extra += "; ";
      extra += "env ";
      extra += env_name(spec.name);
    }
    if (!extra.empty()) out += " [" + extra + "]";
    out += "\n";
  }
  out +=
      "\n"
      "Exit status: 0 on a clean stop (SIGTERM/SIGINT) or a clean --check; 1 when rules or\n"
      "knowledge have problems or the port cannot be bound; 2 on bad options.\n";
  return out;
}

}  // namespace advisor::server
