#pragma once
// An nginx_process runs Debian's nginx, as the current user, in front of an
// advisor listening on 127.0.0.1:upstream_port, with the production site
// file deploy/nginx/advisor.conf: only its listen ports (free 127.0.0.1
// ports), certificate paths (a throw-away self-signed certificate for
// "localhost" and 127.0.0.1 made with openssl) and upstream address are
// rewritten. Everything lives in a temporary prefix (config, pid, logs, temp
// paths) removed by the destructor, which also stops nginx by PID.
//
//   advisor::test::server_process advisor;
//   advisor::test::nginx_process nginx(advisor.port());
//   ... https / wss to 127.0.0.1:nginx.tls_port(), trusting nginx.cert_file()
//
// Throws std::runtime_error (with nginx's error log) when nginx cannot start.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace advisor::test {

// A free TCP port on 127.0.0.1 (bound and released; the kernel does not
// hand it out again at once).
inline unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// True when something accepts TCP connections on 127.0.0.1:port.
inline bool loopback_accepts(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// Sends a plain HTTP/1.0 request to 127.0.0.1:port and returns what comes
// back (bounded by a 2 s socket timeout; "" when nothing answers).
inline std::string loopback_http_probe(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  std::string in;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string out = "GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::send(fd, out.data(), out.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(out.size())) {
      char buf[4096];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) in.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return in;
}

// Runs argv (argv[0] looked up in PATH) to completion; returns its exit
// status (-1 when it could not run or died from a signal). Output goes to
// log_file.
inline int run_command(const std::vector<std::string>& args, const std::filesystem::path& log_file) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class nginx_process {
 public:
  // site: the nginx site file to run (default: the repository's).
  explicit nginx_process(unsigned short upstream_port,
                         std::filesystem::path site = std::filesystem::path(ADVISOR_SOURCE_DIR) / "deploy" / "nginx" /
                                                      "advisor.conf") {
    char tmpl[] = "/tmp/advisor-nginx-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    // nginx workers may run as another user (nobody when started as root).
    ::chmod(dir_.c_str(), 0755);
    std::filesystem::create_directories(dir_ / "tmp");
    ::chmod((dir_ / "tmp").c_str(), 0777);

    cert_ = dir_ / "cert.pem";
    const auto key = dir_ / "key.pem";
    const int rc =
        run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                     "-keyout", key.string(), "-out", cert_.string()},
                    dir_ / "openssl.log");
    if (rc != 0) fail("openssl could not make the test certificate: " + read_text(dir_ / "openssl.log"));

    const std::string site_text = read_text(site);
    if (site_text.empty()) fail("cannot read " + site.string());
    // nginx cannot pick its own ports and report them, so free ports are
    // chosen and, when one was taken in between (nginx exits with "Address
    // already in use"), chosen again.
    for (int attempt = 1;; ++attempt) {
      if (try_start(site_text, key, upstream_port)) break;
      if (attempt == 5) fail("nginx could not bind free ports in 5 attempts: " + read_text(dir_ / "error.log"));
    }
  }

  nginx_process(const nginx_process&) = delete;
  nginx_process& operator=(const nginx_process&) = delete;

  ~nginx_process() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  unsigned short tls_port() const { return tls_port_; }
  unsigned short http_port() const { return http_port_; }
  // The self-signed certificate (for "localhost" and 127.0.0.1) to trust.
  const std::filesystem::path& cert_file() const { return cert_; }
  std::string error_log() const { return read_text(dir_ / "error.log"); }
  std::string access_log() const { return read_text(dir_ / "access.log"); }

 private:
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // fast shutdown of master and workers
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) != pid_) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = 0;
  }

  // Writes the configuration for two fresh free ports and starts nginx;
  // false when a port was taken by the time nginx bound it (try again).
  // Ready means nginx itself answers on both ports: a plain request gets
  // nginx's redirect on the HTTP port and nginx's "plain HTTP request was
  // sent to HTTPS port" on the TLS port (anything else that accepted there
  // would not say "Server: nginx").
  bool try_start(const std::string& site_text, const std::filesystem::path& key, unsigned short upstream_port) {
    http_port_ = free_loopback_port();
    tls_port_ = free_loopback_port();
    std::string conf = site_text;
    replace(conf, "listen 80;", "listen 127.0.0.1:" + std::to_string(http_port_) + ";");
    replace(conf, "listen [::]:80;", "");
    replace(conf, "listen 443 ssl http2;", "listen 127.0.0.1:" + std::to_string(tls_port_) + " ssl http2;");
    replace(conf, "listen [::]:443 ssl http2;", "");
    replace(conf, "/etc/ssl/advisor/fullchain.pem", cert_.string());
    replace(conf, "/etc/ssl/advisor/privkey.pem", key.string());
    replace(conf, "server 127.0.0.1:8080 ", "server 127.0.0.1:" + std::to_string(upstream_port) + " ");
    write(dir_ / "site.conf", conf);

    const std::string d = dir_.string();
    std::string main_conf = "worker_processes 1;\ndaemon off;\npid " + d + "/nginx.pid;\nerror_log " + d +
                            "/error.log info;\nevents { worker_connections 256; }\nhttp {\n  access_log " + d +
                            "/access.log;\n";
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      main_conf += std::string("  ") + t + "_temp_path " + d + "/tmp/" + t + ";\n";
    main_conf += "  include " + d + "/site.conf;\n}\n";
    write(dir_ / "nginx.conf", main_conf);

    if (run_command({"nginx", "-t", "-e", d + "/error.log", "-p", d, "-c", d + "/nginx.conf"}, dir_ / "nginx-t.log") !=
        0)
      fail("nginx -t refused the configuration: " + read_text(dir_ / "nginx-t.log"));

    // A fresh error log per attempt: "Address already in use" below is this one's.
    std::filesystem::remove(dir_ / "error.log");
    pid_ = fork();
    if (pid_ < 0) fail("fork failed");
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int fd = ::open((dir_ / "stderr.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      execlp("nginx", "nginx", "-e", (d + "/error.log").c_str(), "-p", d.c_str(), "-c", (d + "/nginx.conf").c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    const auto is_nginx = [](const std::string& answer) {
      return answer.starts_with("HTTP/1.1 ") && answer.find("\r\nServer: nginx") != std::string::npos;
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!is_nginx(loopback_http_probe(http_port_)) ||
           loopback_http_probe(tls_port_).find("plain HTTP request was sent to HTTPS port") == std::string::npos) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        const std::string log = read_text(dir_ / "error.log") + read_text(dir_ / "stderr.log");
        if (log.find("Address already in use") != std::string::npos) return false;
        fail("nginx exited at start: " + log);
      }
      if (std::chrono::steady_clock::now() > deadline) fail("nginx did not answer on its ports within 30 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  [[noreturn]] void fail(const std::string& why) {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw std::runtime_error(why);
  }

  void replace(std::string& s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    if (at == std::string::npos) fail("deploy/nginx/advisor.conf no longer has '" + from + "' (see its header)");
    s.replace(at, from.size(), to);
  }

  static void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
  }

  std::filesystem::path dir_;
  std::filesystem::path cert_;
  unsigned short http_port_ = 0;
  unsigned short tls_port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace advisor::test
