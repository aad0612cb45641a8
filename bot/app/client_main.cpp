// advisor-client: the command-line client of the TPM-vs-PM advisor.
// Parse options, then chat over the WebSocket until the input ends.
#include <clocale>
#include <cstdlib>
#include <iostream>

#include "bot/client/chat_client.hpp"
#include "bot/client/client_options.hpp"
#include "bot/client/exit_code.hpp"
#include "bot/client/terminal.hpp"

namespace client = advisor::client;

int main(int argc, char** argv) {
  // UTF-8 line editing needs a UTF-8 LC_CTYPE; fall back to C.UTF-8.
  if (std::setlocale(LC_CTYPE, "") == nullptr || MB_CUR_MAX == 1) std::setlocale(LC_CTYPE, "C.UTF-8");

  std::string error;
  const auto options = client::parse_client_options(argc, argv, error);
  if (!options) {
    std::cerr << "advisor-client: " << error << "\nTry 'advisor-client --help'.\n";
    return client::to_int(client::exit_code::usage);
  }
  if (options->help) {
    std::cout << client::client_usage();
    return client::to_int(client::exit_code::ok);
  }
  const client::terminal term = client::detect_terminal(options->no_color);
  return client::to_int(client::run_client(*options, term, std::cout, std::cerr));
}
