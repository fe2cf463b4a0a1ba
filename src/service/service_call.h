// One request while the service handles it (shared by the endpoint files):
// the request, where to answer, and the tenant once authenticated.
#pragma once

#include "service/service.h"

namespace warden::service {

struct Service::Call {
  HttpRequest request;
  std::shared_ptr<Responder> responder;
  Tenant* tenant = nullptr;
  // The tenant's concurrency slot while queued or running; freed just before
  // the answer goes out, so a client that waits for it may send the next.
  std::shared_ptr<ExecutionSlot> slot;

  void reply(HttpResponse response) {
    slot.reset();
    responder->send(std::move(response));
  }
  void endStream() {
    slot.reset();
    responder->endStream();
  }
  void fail(const ApiError& error) { reply(errorResponse(request, error)); }
  void ok(http::status status, const nlohmann::json& body) { reply(jsonResponse(request, status, body)); }
};

}  // namespace warden::service
