#pragma once
// The binaries the end-to-end tests run: by default the advisor and
// advisor-client built beside the tests; ADVISOR_TEST_SERVER_BIN and
// ADVISOR_TEST_CLIENT_BIN name others instead. deploy/setup.sh test uses
// them to run the same end-to-end suite a second time against the
// ASan+UBSan binaries, without compiling the suite again.

#include <cstdlib>
#include <string>

namespace advisor::test {

inline std::string binary_from_env(const char* variable, const char* built) {
  const char* v = std::getenv(variable);
  return v != nullptr && *v != '\0' ? std::string(v) : std::string(built);
}

inline std::string server_binary() { return binary_from_env("ADVISOR_TEST_SERVER_BIN", ADVISOR_SERVER_BIN); }
inline std::string client_binary() { return binary_from_env("ADVISOR_TEST_CLIENT_BIN", ADVISOR_CLIENT_BIN); }

}  // namespace advisor::test
