// /v1/sessions: create, inspect, delete, run code in, and move files in and
// out of persistent Python sandboxes.
#include <fmt/format.h>

#include "service/access_log.h"
#include "service/service.h"
#include "service/service_call.h"
#include "service/work_files.h"

namespace warden::service {

namespace {

ApiError sessionNotFound(const std::string& id) {
  return ApiError{404, "session_not_found", fmt::format("no session \"{}\"", id), "id"};
}

nlohmann::json sessionJson(const Session& session, std::chrono::seconds idle_timeout) {
  auto created = std::chrono::duration_cast<std::chrono::milliseconds>(session.created.time_since_epoch()).count();
  return {{"id", session.id},
          {"created_at_ms", created},
          {"idle_timeout_s", idle_timeout.count()},
          {"memory_bytes", session.memory_bytes},
          {"executions", session.executions.load()},
          {"busy", session.busy.load()}};
}

}  // namespace

void Service::createSession(const std::shared_ptr<Call>& call) {
  Parsed<nlohmann::json> body = parseJsonBody(call->request.body(), /*empty_is_object=*/true);
  if (!body) return call->fail(body.error());
  if (auto ok = checkObject(*body, "", {"env", "limits"}); !ok) return call->fail(ok.error());
  auto env = parseEnv(*body);
  if (!env) return call->fail(env.error());
  if (auto limits = body->find("limits"); limits != body->end())
    if (auto ok = checkObject(*limits, "limits", {"memory_bytes"}); !ok) return call->fail(ok.error());
  Parsed<sandbox::Limits> limits = parseLimits(*body, "limits", call->tenant->config.limits, /*allow_memory=*/true);
  if (!limits) return call->fail(limits.error());
  if (auto reserved = sessions_.reserve(*call->tenant); !reserved) {
    metrics_.recordRejected("sessions");
    return call->fail(reserved.error());
  }

  Tenant* tenant = call->tenant;
  auto job = [this, call, tenant, env = std::move(*env), memory = *limits->memory_bytes] {
    auto cancel = [&](ApiError error) {
      sessions_.cancelReservation(*tenant);
      call->fail(error);
    };
    Expect<TempDir> dir = TempDir::create("warden-session-");
    if (!dir) return cancel({500, "internal_error", dir.error().message(), ""});
    auto session = std::make_shared<Session>(randomHex(16), *tenant, std::move(*dir));
    session->memory_bytes = memory;
    sandbox::Request request;
    request.env = env;
    request.work_dir = session->dir.path();
    request.limits.memory_bytes = memory;
    auto opened = python_.openSession(request);
    if (!opened) return cancel({500, "session_unavailable", fmt::format("cannot open a Python session: {}", opened.error().message()), ""});
    session->python = std::move(*opened);
    sessions_.add(session);
    writeLog({{"event", "session_created"}, {"session", session->id}, {"tenant", tenant->config.name}});
    call->ok(http::status::created, sessionJson(*session, sessions_.idleTimeout()));
  };
  if (!submit(call, std::move(job))) sessions_.cancelReservation(*tenant);
}

void Service::getSession(const std::shared_ptr<Call>& call, const Route& route) {
  std::shared_ptr<Session> session = sessions_.find(*call->tenant, route.session_id);
  if (!session) return call->fail(sessionNotFound(route.session_id));
  call->ok(http::status::ok, sessionJson(*session, sessions_.idleTimeout()));
}

void Service::deleteSession(const std::shared_ptr<Call>& call, const Route& route) {
  if (!sessions_.remove(*call->tenant, route.session_id)) return call->fail(sessionNotFound(route.session_id));
  writeLog({{"event", "session_deleted"}, {"session", route.session_id}});
  HttpResponse response{http::status::no_content, call->request.version()};
  response.keep_alive(call->request.keep_alive());
  response.prepare_payload();
  call->reply(std::move(response));
}

void Service::sessionExecution(const std::shared_ptr<Call>& call, const Route& route) {
  std::shared_ptr<Session> session = sessions_.find(*call->tenant, route.session_id);
  if (!session) return call->fail(sessionNotFound(route.session_id));
  Parsed<nlohmann::json> body = parseJsonBody(call->request.body());
  if (!body) return call->fail(body.error());
  Parsed<ExecutionSpec> spec = parseExecutionSpec(*body, SpecKind::SessionExecution, call->tenant->config, config_.files);
  if (!spec) return call->fail(spec.error());
  execute(call, std::move(*spec), std::move(session));
}

void Service::putSessionFile(const std::shared_ptr<Call>& call, const Route& route) {
  std::shared_ptr<Session> session = sessions_.find(*call->tenant, route.session_id);
  if (!session) return call->fail(sessionNotFound(route.session_id));
  if (auto checked = checkRelativePath(route.file_path); !checked)
    return call->fail(badField("path", fmt::format("the file path {}", checked.error())));
  if (call->request.body().size() > config_.files.max_file_bytes)
    return call->fail({413, "file_too_large", fmt::format("a file may have at most {} bytes", config_.files.max_file_bytes), "body"});
  std::vector<InputFile> files{{route.file_path, std::move(call->request.body())}};
  if (auto written = writeFiles(session->dir.path(), files); !written)
    return call->fail({409, "file_conflict", written.error(), "path"});
  call->ok(http::status::ok, {{"path", route.file_path}, {"size", files[0].content.size()}});
}

void Service::getSessionFile(const std::shared_ptr<Call>& call, const Route& route) {
  std::shared_ptr<Session> session = sessions_.find(*call->tenant, route.session_id);
  if (!session) return call->fail(sessionNotFound(route.session_id));
  if (auto checked = checkRelativePath(route.file_path); !checked)
    return call->fail(badField("path", fmt::format("the file path {}", checked.error())));
  auto content = readFile(session->dir.path(), route.file_path, config_.files.max_file_bytes);
  if (!content) return call->fail({413, "file_too_large", content.error(), "path"});
  if (!*content) return call->fail({404, "file_not_found", fmt::format("no file \"{}\" in this session", route.file_path), "path"});
  call->reply(textResponse(call->request, http::status::ok, std::move(**content), "application/octet-stream"));
}

}  // namespace warden::service
