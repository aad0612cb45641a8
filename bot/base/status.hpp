#pragma once
// A status is the outcome of an operation that can fail for a reason worth
// telling a person: ok, or an error code with a message. It is how start-up
// and configuration code reports errors (a bad session-store URL, an
// unusable channel key), in the spirit of leveldb's Status:
//
//   advisor::status s = open_something(...);
//   if (!s.ok()) { std::cerr << "advisor: " << s.to_string() << "\n"; return 1; }
//
// Header-only and free of any other part of the project, so every layer
// (the engine included) may use it. Thread safety: a plain value.

#include <string>
#include <string_view>
#include <utility>

namespace advisor {

class status {
 public:
  enum class code {
    ok,
    invalid_argument,    // a setting or input that cannot be used as given
    io_error,            // a file, socket or service that could not be used
    not_found,           // something asked for does not exist
    resource_exhausted,  // a limit was hit (memory, a regular expression's budget)
  };

  // Ok.
  status() = default;

  static status ok_status() { return status(); }
  static status invalid_argument(std::string message) { return status(code::invalid_argument, std::move(message)); }
  static status io_error(std::string message) { return status(code::io_error, std::move(message)); }
  static status not_found(std::string message) { return status(code::not_found, std::move(message)); }
  static status resource_exhausted(std::string message) { return status(code::resource_exhausted, std::move(message)); }

  bool ok() const { return code_ == code::ok; }
  code error_code() const { return code_; }
  // "" when ok.
  const std::string& message() const { return message_; }

  // "ok", or "<code name>: <message>".
  std::string to_string() const {
    if (ok()) return "ok";
    return std::string(name(code_)) + ": " + message_;
  }

  static std::string_view name(code c) {
    switch (c) {
      case code::ok:
        return "ok";
      case code::invalid_argument:
        return "invalid argument";
      case code::io_error:
        return "I/O error";
      case code::not_found:
        return "not found";
      case code::resource_exhausted:
        return "resource exhausted";
    }
    return "unknown";
  }

 private:
  status(code c, std::string message) : code_(c), message_(std::move(message)) {}

  code code_ = code::ok;
  std::string message_;
};

}  // namespace advisor
