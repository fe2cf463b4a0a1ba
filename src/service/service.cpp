#include "service/service.h"

#include <thread>

#include <boost/beast/http/field.hpp>
#include <fmt/format.h>

#include "service/access_log.h"
#include "service/service_call.h"

namespace warden::service {


namespace {

unsigned workerCount(unsigned configured) {
  if (configured > 0) return configured;
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

Service::Service(ServiceConfig config, sandbox::PythonRuntime& python)
    : config_(std::move(config)),
      python_(python),
      tenants_(config_.tenants),
      modules_(python.engine(), 32),
      runner_(python, modules_, config_.files),
      sessions_(config_.session_idle_timeout, config_.max_sessions_total),
      pool_(workerCount(config_.workers), config_.max_queue) {}

Service::~Service() { stopSessionSweeper(); }

void Service::handle(HttpRequest&& request, std::shared_ptr<Responder> responder) {
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->responder = std::move(responder);
  Parsed<Route> route = warden::service::route(call->request.method(), call->request.target());
  if (!route) return call->fail(route.error());

  if (route->endpoint == Endpoint::Healthz) {
    return call->ok(http::status::ok, {{"status", "ok"},
                                       {"workers", pool_.threads()},
                                       {"running", running_.load()},
                                       {"queued", pool_.queued()},
                                       {"sessions", sessions_.size()}});
  }
  if (route->endpoint == Endpoint::Metrics) {
    Gauges gauges{running_.load(), pool_.queued(), sessions_.size(), pool_.threads()};
    return call->reply(textResponse(call->request, http::status::ok, metrics_.render(gauges), "text/plain; version=0.0.4"));
  }

  auto authorization = call->request.find(http::field::authorization);
  call->tenant = authorization == call->request.end() ? nullptr : tenants_.authenticate(authorization->value());
  if (!call->tenant) {
    metrics_.recordRejected("unauthorized");
    return call->fail({401, "unauthorized", "missing or unknown API key (Authorization: Bearer KEY)", "Authorization"});
  }
  call->responder->logField("tenant", call->tenant->config.name);
  if (auto wait = call->tenant->requests.take(); wait.count() > 0) {
    metrics_.recordRejected("rate_limited");
    ApiError error{429, "rate_limited",
                   fmt::format("over {} requests per minute", call->tenant->config.requests_per_minute), ""};
    error.retry_after_s = unsigned((wait.count() + 999) / 1000);
    return call->fail(error);
  }
  dispatch(call, *route);
}

void Service::dispatch(const std::shared_ptr<Call>& call, const Route& route) {
  switch (route.endpoint) {
    case Endpoint::CreateExecution: return createExecution(call);
    case Endpoint::CreateSession: return createSession(call);
    case Endpoint::GetSession: return getSession(call, route);
    case Endpoint::DeleteSession: return deleteSession(call, route);
    case Endpoint::SessionExecution: return sessionExecution(call, route);
    case Endpoint::PutSessionFile: return putSessionFile(call, route);
    case Endpoint::GetSessionFile: return getSessionFile(call, route);
    case Endpoint::Healthz:
    case Endpoint::Metrics: break;  // answered before authentication
  }
}

bool Service::submit(const std::shared_ptr<Call>& call, std::function<void()> job) {
  call->slot = ExecutionSlot::acquire(*call->tenant);
  if (!call->slot) {
    metrics_.recordRejected("concurrency");
    ApiError error{429, "too_many_concurrent",
                   fmt::format("this tenant already has {} executions in flight", call->tenant->config.max_concurrent), ""};
    error.retry_after_s = 1;
    call->fail(error);
    return false;
  }
  bool queued = pool_.submit(std::move(job));
  if (!queued) {
    metrics_.recordRejected("queue_full");
    ApiError error{503, "overloaded", "every worker is busy and the queue is full; retry shortly", ""};
    error.retry_after_s = 1;
    call->fail(error);
  }
  return queued;
}

void Service::startSessionSweeper(boost::asio::io_context& io) {
  sweeper_ = std::make_unique<boost::asio::steady_timer>(io);
  sweep();
}

void Service::stopSessionSweeper() {
  if (sweeper_) sweeper_->cancel();
}

void Service::sweep() {
  for (const std::string& id : sessions_.expireIdle()) writeLog({{"event", "session_expired"}, {"session", id}});
  // Check a few times per idle period, at least once a second.
  auto period = std::min<std::chrono::milliseconds>(std::chrono::seconds(1), config_.session_idle_timeout / 4);
  sweeper_->expires_after(period);
  sweeper_->async_wait([this](boost::system::error_code ec) {
    if (!ec) sweep();
  });
}

}  // namespace warden::service
