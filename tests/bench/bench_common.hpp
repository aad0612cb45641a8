#pragma once
// Helpers shared by the WebSocket benchmarks in tests/bench/ (echo_server,
// load_gen, idle_conns): command-line flags, ws:// URLs, the descriptor
// limit, the resident memory of a process, and percentiles.
//
// Thread safety: free functions over values, but parse_flags and
// raise_file_limit are meant for main() only.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace advisor::bench {

// "--name value" and "--name=value" pairs; bare "--name" maps to "1".
// Returns nullopt (after printing why) on a stray positional argument.
inline std::optional<std::map<std::string, std::string>> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.substr(0, 2) != "--") {
      std::fprintf(stderr, "unexpected argument '%s'\n", argv[i]);
      return std::nullopt;
    }
    a.remove_prefix(2);
    if (const auto eq = a.find('='); eq != std::string_view::npos) {
      flags[std::string(a.substr(0, eq))] = std::string(a.substr(eq + 1));
    } else if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") {
      flags[std::string(a)] = argv[++i];
    } else {
      flags[std::string(a)] = "1";
    }
  }
  return flags;
}

// flags[name] as a number, or fallback when absent or malformed.
inline double flag_number(const std::map<std::string, std::string>& flags, const std::string& name, double fallback) {
  const auto it = flags.find(name);
  if (it == flags.end()) return fallback;
  try {
    return std::stod(it->second);
  } catch (...) {
    return fallback;
  }
}

inline std::string flag_string(const std::map<std::string, std::string>& flags, const std::string& name,
                               std::string fallback) {
  const auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

// ws://HOST:PORT/PATH split into its parts (no wss://: the benchmarks run on
// the loopback interface).
struct ws_target {
  std::string host;
  std::string port;
  std::string path = "/";
};

inline std::optional<ws_target> parse_ws_url(std::string_view url) {
  if (url.substr(0, 5) != "ws://") return std::nullopt;
  url.remove_prefix(5);
  ws_target t;
  const auto slash = url.find('/');
  if (slash != std::string_view::npos) {
    t.path = std::string(url.substr(slash));
    url = url.substr(0, slash);
  }
  const auto colon = url.rfind(':');
  if (colon == std::string_view::npos) {
    t.host = std::string(url);
    t.port = "80";
  } else {
    t.host = std::string(url.substr(0, colon));
    t.port = std::string(url.substr(colon + 1));
  }
  if (t.host.empty() || t.port.empty()) return std::nullopt;
  return t;
}

// Raises the soft descriptor limit to the hard limit (as the advisor does)
// and returns the soft limit in force.
inline std::uint64_t raise_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  return lim.rlim_cur;
}

// A field of /proc/<pid>/status in KiB ("VmRSS", "VmHWM", "RssAnon"), or -1.
inline long proc_status_kib(long pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 && line[field.size()] == ':') {
      long kib = -1;
      const auto digits = line.find_first_of("0123456789");
      if (digits == std::string::npos) return -1;
      std::from_chars(line.data() + digits, line.data() + line.size(), kib);
      return kib;
    }
  }
  return -1;
}

// CPU time (user + system) used so far by process pid, in seconds, from
// /proc/<pid>/stat (clock-tick resolution, 10 ms); -1 when unreadable.
inline double proc_cpu_seconds(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  // The command name (field 2) may hold spaces: count fields after its ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// The q-quantile (0..1) of sorted samples, nearest rank; 0 when empty.
inline double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(q * static_cast<double>(sorted.size()));
  return sorted[std::min(rank, sorted.size() - 1)];
}

}  // namespace advisor::bench
