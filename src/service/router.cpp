#include "service/router.h"

#include "support/path_parts.h"

#include <vector>

#include <fmt/format.h>

namespace warden::service {

namespace {

using boost::beast::http::verb;

// The segments after the leading '/'.
std::vector<std::string_view> splitPath(std::string_view path) {
  if (path.empty()) return {};
  return splitSlashes(path.substr(1));
}

struct Candidate {
  verb method;
  Endpoint endpoint;
};

}  // namespace

std::optional<std::string> percentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int high = hex(text[i + 1]), low = hex(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += char(high * 16 + low);
    i += 2;
  }
  return out;
}

Parsed<Route> route(verb method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  ApiError not_found{404, "not_found", fmt::format("no endpoint at {}", path), ""};
  if (path.empty() || path.front() != '/') return std::unexpected(not_found);
  std::vector<std::string_view> parts = splitPath(path);

  Route found{Endpoint::Healthz, {}, {}};
  std::vector<Candidate> candidates;
  if (parts.size() == 1 && parts[0] == "healthz") {
    candidates = {{verb::get, Endpoint::Healthz}};
  } else if (parts.size() == 1 && parts[0] == "metrics") {
    candidates = {{verb::get, Endpoint::Metrics}};
  } else if (parts.size() == 2 && parts[0] == "v1" && parts[1] == "executions") {
    candidates = {{verb::post, Endpoint::CreateExecution}};
  } else if (parts.size() == 2 && parts[0] == "v1" && parts[1] == "sessions") {
    candidates = {{verb::post, Endpoint::CreateSession}};
  } else if (parts.size() >= 3 && parts[0] == "v1" && parts[1] == "sessions" && !parts[2].empty()) {
    found.session_id = std::string(parts[2]);
    if (parts.size() == 3) {
      candidates = {{verb::get, Endpoint::GetSession}, {verb::delete_, Endpoint::DeleteSession}};
    } else if (parts.size() == 4 && parts[3] == "executions") {
      candidates = {{verb::post, Endpoint::SessionExecution}};
    } else if (parts.size() >= 5 && parts[3] == "files") {
      size_t start = path.find("/files/") + 7;
      std::optional<std::string> decoded = percentDecode(path.substr(start));
      if (!decoded) return std::unexpected(badField("path", "the file path in the URL is badly percent-encoded"));
      found.file_path = std::move(*decoded);
      candidates = {{verb::get, Endpoint::GetSessionFile}, {verb::put, Endpoint::PutSessionFile}};
    }
  }
  if (candidates.empty()) return std::unexpected(not_found);
  std::string allowed;
  for (const Candidate& candidate : candidates) {
    if (candidate.method == method) {
      found.endpoint = candidate.endpoint;
      return found;
    }
    allowed += (allowed.empty() ? "" : ", ") + std::string(boost::beast::http::to_string(candidate.method));
  }
  ApiError wrong_method{405, "method_not_allowed", fmt::format("{} takes {}", path, allowed), ""};
  wrong_method.allow = allowed;
  return std::unexpected(wrong_method);
}

}  // namespace warden::service
