// Which endpoint a method and URL name. Unknown paths are 404, a known path
// with another method 405 (with the methods it takes).
#pragma once

#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>

#include "service/json_fields.h"

namespace warden::service {

enum class Endpoint {
  Healthz,           // GET  /healthz
  Metrics,           // GET  /metrics
  CreateExecution,   // POST /v1/executions
  CreateSession,     // POST /v1/sessions
  GetSession,        // GET  /v1/sessions/{id}
  DeleteSession,     // DELETE /v1/sessions/{id}
  SessionExecution,  // POST /v1/sessions/{id}/executions
  PutSessionFile,    // PUT  /v1/sessions/{id}/files/{path}
  GetSessionFile,    // GET  /v1/sessions/{id}/files/{path}
};

struct Route {
  Endpoint endpoint;
  std::string session_id;
  std::string file_path;  // percent-decoded, not yet checked
};

// The error is 404 not_found, 405 method_not_allowed (message lists the
// allowed methods) or 400 for a badly escaped path.
Parsed<Route> route(boost::beast::http::verb method, std::string_view target);

// "%41b" → "Ab"; nullopt for a bad escape.
std::optional<std::string> percentDecode(std::string_view text);

}  // namespace warden::service
