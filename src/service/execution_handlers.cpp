// POST /v1/executions and the shared path that runs a spec on a worker and
// answers with JSON or a stream, NDJSON or SSE (sessions use it too).
#include <boost/beast/http/field.hpp>

#include "service/result_json.h"
#include "service/service.h"
#include "service/service_call.h"

namespace warden::service {

namespace {

enum class StreamFormat { None, Ndjson, Sse };

// NDJSON when the client accepts application/x-ndjson, server-sent events
// for text/event-stream, else one JSON answer.
StreamFormat streamFormat(const HttpRequest& request) {
  auto accept = request.find(http::field::accept);
  if (accept == request.end()) return StreamFormat::None;
  if (accept->value().find("application/x-ndjson") != std::string_view::npos) return StreamFormat::Ndjson;
  if (accept->value().find("text/event-stream") != std::string_view::npos) return StreamFormat::Sse;
  return StreamFormat::None;
}

// One stream message with its "type": an NDJSON line, or an SSE event named
// after the type whose data is the same JSON.
std::string frame(StreamFormat format, const nlohmann::json& message) {
  std::string text = dumpJson(message);
  if (format == StreamFormat::Sse) return "event: " + message["type"].get<std::string>() + "\ndata: " + text + "\n\n";
  return text + "\n";
}

// Streams guest output as {"type":"stdout","data":"..."} messages.
class OutputStream {
 public:
  OutputStream(std::shared_ptr<Responder> responder, StreamFormat format)
      : responder_(std::move(responder)), format_(format) {}
  void write(int fd, std::string_view bytes) { send(fd, chunker(fd).take(bytes)); }
  void flush() {
    send(1, stdout_.flush());
    send(2, stderr_.flush());
  }

 private:
  Utf8Chunker& chunker(int fd) { return fd == 1 ? stdout_ : stderr_; }
  void send(int fd, const std::string& text) {
    if (text.empty()) return;
    responder_->streamChunk(frame(format_, {{"type", fd == 1 ? "stdout" : "stderr"}, {"data", text}}));
  }
  std::shared_ptr<Responder> responder_;
  StreamFormat format_;
  Utf8Chunker stdout_, stderr_;
};

}  // namespace

void Service::createExecution(const std::shared_ptr<Call>& call) {
  Parsed<nlohmann::json> body = parseJsonBody(call->request.body());
  if (!body) return call->fail(body.error());
  Parsed<ExecutionSpec> spec = parseExecutionSpec(*body, SpecKind::Execution, call->tenant->config, config_.files);
  if (!spec) return call->fail(spec.error());
  execute(call, std::move(*spec), nullptr);
}

void Service::execute(const std::shared_ptr<Call>& call, ExecutionSpec spec, std::shared_ptr<Session> session) {
  if (session) {
    bool expected = false;
    if (!session->busy.compare_exchange_strong(expected, true))
      return call->fail({409, "session_busy", "this session is running another execution", ""});
  }
  call->request.body() = {};  // the spec holds what is needed; free the body while queued
  StreamFormat format = streamFormat(call->request);
  bool stream = format != StreamFormat::None;
  auto shared_spec = std::make_shared<ExecutionSpec>(std::move(spec));
  bool queued = submit(call, [this, call, shared_spec, session, stream, format] {
    auto started = std::chrono::steady_clock::now();
    OutputStream output(call->responder, format);
    sandbox::OutputSink sink;
    if (stream) sink = [&output](int fd, std::string_view bytes) { output.write(fd, bytes); };
    auto on_start = [&] {
      if (stream)
        call->responder->startStream(http::status::ok,
                                     format == StreamFormat::Sse ? "text/event-stream" : "application/x-ndjson");
    };
    running_.fetch_add(1);
    auto outcome = session ? runner_.runInSession(*session, *shared_spec, sink, on_start)
                           : runner_.run(*shared_spec, sink, on_start);
    running_.fetch_sub(1);  // before answering, so a client that reads /metrics next sees it
    if (session) {
      session->executions.fetch_add(1);
      session->touch();
      session->busy.store(false);
    }
    if (!outcome) return call->fail(outcome.error());

    const sandbox::Result& result = outcome->result;
    metrics_.recordExecution(result.status, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    call->responder->logField("execution_status", std::string(sandbox::statusName(result.status)));
    nlohmann::json answer = resultJson(result, outcome->files);
    if (session) answer["session_id"] = session->id;
    if (stream) {
      output.flush();
      // The output went out as it came; the closing line carries the rest.
      answer.erase("stdout");
      answer.erase("stderr");
      answer["type"] = "result";
      call->responder->streamChunk(frame(format, answer));
      call->endStream();
      return;
    }
    call->ok(result.status == sandbox::Status::Internal ? http::status::internal_server_error : http::status::ok, answer);
  });
  if (!queued && session) session->busy.store(false);
}

}  // namespace warden::service
