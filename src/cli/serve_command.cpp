// `warden serve`: the HTTP execution service (src/service/, docs/SERVICE.md).
// Loads the config (or makes the documented dev default), starts CPython
// for WASI once, then serves until SIGINT/SIGTERM. Prints one line on stdout
// when it listens, with the actual port (useful with port 0).
#include <csignal>
#include <optional>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "sandbox/python_home.h"
#include "sandbox/python_runtime.h"
#include "service/access_log.h"
#include "service/http_server.h"
#include "service/service.h"
#include "service/service_config.h"

namespace warden::cli {

namespace {

void printError(const std::string& message) { std::fputs(fmt::format("warden serve: error: {}\n", message).c_str(), stderr); }

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:0".
std::optional<HostPort> parseListen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon), port = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  unsigned value = unsigned(std::stoul(port));
  if (value > 65535) return std::nullopt;
  return HostPort{host, uint16_t(value)};
}

bool isLoopback(const std::string& host) { return host == "127.0.0.1" || host == "::1" || host.rfind("127.", 0) == 0; }

}  // namespace

int serveCommand(const ServeOptions& options) {
  using namespace warden::service;
  ServiceConfig config;
  if (options.config) {
    auto loaded = loadServiceConfig(*options.config);
    if (!loaded) {
      printError(loaded.error());
      return kExitError;
    }
    config = std::move(*loaded);
  } else {
    config = devConfig();
  }
  if (options.listen) config.listen = *options.listen;
  if (options.workers) config.workers = *options.workers;
  std::optional<HostPort> listen = parseListen(config.listen);
  if (!listen) {
    printError(fmt::format("--listen wants HOST:PORT, not \"{}\"", config.listen));
    return kExitError;
  }
  if (!options.config && !isLoopback(listen->host)) {
    printError("without --config the service listens on loopback only (the dev key is printed in the clear)");
    return kExitError;
  }

  std::string home = sandbox::locatePythonHome(options.python_home);
  Engine engine;
  sandbox::PythonRuntimeOptions python_options;
  python_options.home = home;
  python_options.preload = config.python_preload;
  unsigned workers = config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());
  python_options.pool_size = config.python_pool ? config.python_pool : 2 * workers;
  auto python = sandbox::PythonRuntime::create(engine, python_options);
  if (!python) {
    printError(fmt::format("{} (pass --python-home DIR or build it with python/build.sh)", python.error().message()));
    return kExitError;
  }

  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io(int(config.io_threads));
  Service service(config, **python);
  HttpLimits limits{config.max_body_bytes, 16 << 10, config.read_timeout, config.write_timeout, config.max_connections};
  auto server = HttpServer::listen(
      io, listen->host, listen->port, limits,
      [&service](HttpRequest&& request, std::shared_ptr<Responder> responder) {
        service.handle(std::move(request), std::move(responder));
      },
      service.metrics());
  if (!server) {
    printError(server.error());
    return kExitError;
  }
  (*server)->start();
  service.startSessionSweeper(io);

  // On SIGINT/SIGTERM: stop accepting, let queued and running executions
  // finish and answer (for at most kDrainLimit), then stop. An execution's
  // answer is written after it counts as finished, so once idle the open
  // connections get up to kFlushLimit to take it (idle keep-alive ones
  // would otherwise hold the stop for the whole drain; seen under load as a
  // connection closed without its answer).
  constexpr auto kDrainLimit = std::chrono::seconds(60);
  constexpr auto kFlushLimit = std::chrono::seconds(1);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  boost::asio::steady_timer drain(io);
  std::optional<std::chrono::steady_clock::time_point> idle_since;
  std::function<void(std::chrono::steady_clock::time_point)> wait_idle = [&](auto deadline) {
    auto now = std::chrono::steady_clock::now();
    if (service.idle() && !idle_since) idle_since = now;
    bool flushed = idle_since && ((*server)->openConnections() == 0 || now > *idle_since + kFlushLimit);
    if (flushed || now > deadline) return io.stop();
    drain.expires_after(std::chrono::milliseconds(idle_since ? 10 : 50));
    drain.async_wait([&, deadline](const boost::system::error_code&) { wait_idle(deadline); });
  };
  signals.async_wait([&](const boost::system::error_code&, int signal) {
    writeLog({{"event", "stopping"}, {"signal", signal}});
    (*server)->stop();
    service.stopSessionSweeper();
    wait_idle(std::chrono::steady_clock::now() + kDrainLimit);
  });

  if (!options.config)
    std::printf("warden serve: no --config; dev tenant \"dev\" with API key %s\n", config.tenants[0].api_keys[0].c_str());
  std::printf("warden serve: listening on http://%s:%u\n", (*server)->host().c_str(), unsigned((*server)->port()));
  std::fflush(stdout);
  writeLog({{"event", "listening"}, {"host", (*server)->host()}, {"port", (*server)->port()},
            {"workers", config.workers}, {"tenants", config.tenants.size()}});

  std::vector<std::thread> io_threads;
  for (unsigned i = 1; i < config.io_threads; ++i) io_threads.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& thread : io_threads) thread.join();
  return kExitOk;
}

}  // namespace warden::cli
