// The execution service: routes each HTTP request to its endpoint, checks
// the tenant (API key, request rate, concurrency), and runs executions and
// sessions on the worker pool. docs/SERVICE.md is the API reference.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sandbox/python_runtime.h"
#include "service/execution_runner.h"
#include "service/http_types.h"
#include "service/metrics.h"
#include "service/module_cache.h"
#include "service/router.h"
#include "service/service_config.h"
#include "service/sessions.h"
#include "service/tenants.h"
#include "service/worker_pool.h"

namespace warden::service {

class Service {
 public:
  Service(ServiceConfig config, sandbox::PythonRuntime& python);
  ~Service();  // waits for running executions

  // The HTTP handler (called on an I/O thread; never blocks on a guest).
  void handle(HttpRequest&& request, std::shared_ptr<Responder> responder);
  // Closes idle sessions now and then, on `io`'s threads.
  void startSessionSweeper(boost::asio::io_context& io);
  void stopSessionSweeper();

  // No execution running or queued (for a graceful stop).
  bool idle() const { return running_.load() == 0 && pool_.queued() == 0 && pool_.busy() == 0; }

  Metrics& metrics() { return metrics_; }
  const ServiceConfig& config() const { return config_; }

 private:
  struct Call;  // one request being handled

  void dispatch(const std::shared_ptr<Call>& call, const Route& route);
  void createExecution(const std::shared_ptr<Call>& call);
  void createSession(const std::shared_ptr<Call>& call);
  void getSession(const std::shared_ptr<Call>& call, const Route& route);
  void deleteSession(const std::shared_ptr<Call>& call, const Route& route);
  void sessionExecution(const std::shared_ptr<Call>& call, const Route& route);
  void putSessionFile(const std::shared_ptr<Call>& call, const Route& route);
  void getSessionFile(const std::shared_ptr<Call>& call, const Route& route);

  // Runs `job` on a worker holding a concurrency slot; false after answering
  // 429/503 itself.
  bool submit(const std::shared_ptr<Call>& call, std::function<void()> job);
  // Runs a parsed spec (in a session when `session` is set) and answers,
  // as JSON or as an NDJSON stream.
  void execute(const std::shared_ptr<Call>& call, ExecutionSpec spec, std::shared_ptr<Session> session);
  void sweep();

  ServiceConfig config_;
  sandbox::PythonRuntime& python_;
  Metrics metrics_;
  TenantRegistry tenants_;
  ModuleCache modules_;
  ExecutionRunner runner_;
  SessionRegistry sessions_;
  std::atomic<uint64_t> running_{0};
  std::unique_ptr<boost::asio::steady_timer> sweeper_;
  WorkerPool pool_;  // last: destroyed first, finishing jobs that use the members above
};

}  // namespace warden::service
