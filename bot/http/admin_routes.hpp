#pragma once
// Admin routes: POST /admin/reload reloads rules and knowledge through a
// rules_reloader and answers with the outcome. They exist only when an admin
// token is configured (ADVISOR_ADMIN_TOKEN, read from the environment only,
// never a flag: it would show in ps); without one /admin/... answers 404.
// Requests must carry `Authorization: Bearer <token>` (compared in constant
// time); others get 401 and are counted as advisor_errors_total{code=
// "unauthorized"}.
//
//   200 {"status":"reloaded","version":...,"previous":...,"took_ms":...}
//   422 {"error":{"code":"reload_refused","message":...},"version":<still serving>,
//        "problems":[...],"problem_count":N}
//
// The reload runs on the requesting connection's I/O thread and the answer
// waits for it (the load takes tens of milliseconds; other connections are
// served by the other threads meanwhile).
//
// Thread safety: register before the server runs; metrics, log and reloader must
// outlive the server's I/O.

#include <string>

#include "bot/http/router.hpp"
#include "bot/ops/logger.hpp"
#include "bot/ops/server_metrics.hpp"
#include "bot/reload/rules_reloader.hpp"

namespace advisor::server {

// Registers POST /admin/reload when token is not empty.
void add_admin_routes(router& routes, server_metrics& metrics, logger& log, rules_reloader& reloader,
                      std::string token);

}  // namespace advisor::server
