// The service's pure pieces in-process: base64, path checks, the request
// parser's field-naming errors, the router, the config loader, the token
// bucket and the UTF-8 chunker. (The HTTP behaviour is tested end to end by
// the *_test.py drivers.)
#include <gtest/gtest.h>

#include "service/base64.h"
#include "service/execution_spec.h"
#include "service/result_json.h"
#include "service/router.h"
#include "service/service_config.h"
#include "service/token_bucket.h"
#include "service/work_files.h"

namespace warden::service {
namespace {

using nlohmann::json;
using boost::beast::http::verb;

TEST(Base64, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes) << i;
    bytes.push_back(char(i * 37));
  }
  EXPECT_EQ(base64Encode("hi"), "aGk=");
}

TEST(Base64, RefusesNonCanonicalText) {
  for (const char* bad : {"aGk", "aG=k", "aGk=\n", "a-_=", "aGl=", "====", "aGk==="}) EXPECT_FALSE(base64Decode(bad)) << bad;
  EXPECT_EQ(base64Decode(""), "");
}

TEST(WorkFiles, RelativePathsOnly) {
  for (const char* ok : {"a", "a/b.txt", "dir/sub/file", "..hidden", "a..b"}) EXPECT_TRUE(checkRelativePath(ok)) << ok;
  for (const char* bad : {"", "/etc/passwd", "..", "a/../b", "a//b", "a/", "./a", "a\\b"})
    EXPECT_FALSE(checkRelativePath(bad)) << bad;
  EXPECT_FALSE(checkRelativePath(std::string("a\0b", 3)));
  EXPECT_FALSE(checkRelativePath(std::string(256, 'x')));
}

class SpecTest : public ::testing::Test {
 protected:
  Parsed<ExecutionSpec> parse(const std::string& text, SpecKind kind = SpecKind::Execution) {
    Parsed<json> body = parseJsonBody(text);
    if (!body) return std::unexpected(body.error());
    return parseExecutionSpec(*body, kind, tenant_, files_);
  }
  std::string fieldOf(const std::string& text, SpecKind kind = SpecKind::Execution) {
    auto spec = parse(text, kind);
    return spec ? "(parsed)" : spec.error().field;
  }
  TenantConfig tenant_;
  FileLimits files_;
};

TEST_F(SpecTest, DefaultsComeFromTheTenant) {
  auto spec = parse(R"j({"code": "print(1)"})j");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->language, Language::Python);
  EXPECT_EQ(spec->limits.fuel, tenant_.limits.fuel);
  EXPECT_EQ(spec->limits.memory_bytes, tenant_.limits.memory_bytes);
  EXPECT_EQ(spec->limits.timeout, std::chrono::milliseconds(tenant_.limits.timeout_ms));
}

TEST_F(SpecTest, EveryBadFieldIsNamed) {
  EXPECT_EQ(fieldOf("{"), "body");
  EXPECT_EQ(fieldOf(R"j({"code": 1})j"), "code");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "extra": 1})j"), "extra");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "limits": {"fuel": "many"}})j"), "limits.fuel");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "limits": {"timeout_ms": 99999999}})j"), "limits.timeout_ms");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "files": [{"path": "ok", "content": "AA=="}, {"path": "../x", "content": ""}]})j"),
            "files[1].path");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "files": [{"path": "ok", "content": "A"}]})j"), "files[0].content");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "env": {"K": 1}})j"), "env.K");
  EXPECT_EQ(fieldOf(R"j({"language": "wasm", "code": "@@"})j"), "code");
  EXPECT_EQ(fieldOf(R"j({"code": "x", "env": {}})j", SpecKind::SessionExecution), "env");
}

TEST_F(SpecTest, LimitAboveTenantIs422) {
  auto spec = parse(R"j({"code": "x", "limits": {"memory_bytes": 99999999999}})j");
  ASSERT_FALSE(spec);
  EXPECT_EQ(spec.error().http_status, 422u);
}

TEST(Router, MatchesEndpointsAndRefusesTheRest) {
  auto file = route(verb::put, "/v1/sessions/abc/files/dir/a%20b.txt?x=1");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->endpoint, Endpoint::PutSessionFile);
  EXPECT_EQ(file->session_id, "abc");
  EXPECT_EQ(file->file_path, "dir/a b.txt");
  EXPECT_EQ(route(verb::delete_, "/v1/sessions/abc")->endpoint, Endpoint::DeleteSession);
  EXPECT_EQ(route(verb::get, "/v2/x").error().http_status, 404u);
  auto wrong = route(verb::get, "/v1/executions");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().http_status, 405u);
  EXPECT_EQ(wrong.error().allow, "POST");
  EXPECT_EQ(route(verb::get, "/v1/sessions/abc/files/%zz").error().field, "path");
}

TEST(Config, ParsesTenantsAndNamesBadFields) {
  auto config = parseServiceConfig(R"j({"workers": 3, "tenants": [{"name": "a", "api_keys": ["0123456789abcdef"],
                                        "max_concurrent": 2, "limits": {"timeout_ms": 500}}]})j");
  ASSERT_TRUE(config) << config.error();
  EXPECT_EQ(config->workers, 3u);
  EXPECT_EQ(config->tenants[0].max_concurrent, 2u);
  EXPECT_EQ(config->tenants[0].limits.timeout_ms, 500u);
  auto bad = parseServiceConfig(R"j({"tenants": [{"name": "a", "api_keys": ["short"]}]})j");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("tenants[0].api_keys[0]"), std::string::npos) << bad.error();
  EXPECT_FALSE(parseServiceConfig(R"j({"tenants": [], "x": 1})j"));
  EXPECT_FALSE(parseServiceConfig(R"j({"tenants": [{"name": "a", "api_keys": ["0123456789abcdef"]},
                                                  {"name": "b", "api_keys": ["0123456789abcdef"]}]})j"));
  EXPECT_EQ(devConfig().tenants.at(0).api_keys.at(0).size(), 32u);
}

TEST(TokenBucket, RefillsAtItsRate) {
  TokenBucket bucket(2, 1.0);  // two at once, then one a second
  auto t0 = TokenBucket::Clock::now() + std::chrono::seconds(1);
  EXPECT_EQ(bucket.take(t0).count(), 0);
  EXPECT_EQ(bucket.take(t0).count(), 0);
  auto wait = bucket.take(t0);
  EXPECT_GT(wait.count(), 900);
  EXPECT_LE(wait.count(), 1000);
  EXPECT_EQ(bucket.take(t0 + std::chrono::milliseconds(1001)).count(), 0);
}

TEST(Utf8Chunker, HoldsBackAnUnfinishedCharacter) {
  Utf8Chunker chunker;
  std::string euro = "\xE2\x82\xAC";
  EXPECT_EQ(chunker.take("a" + euro.substr(0, 1)), "a");
  EXPECT_EQ(chunker.take(euro.substr(1, 1)), "");
  EXPECT_EQ(chunker.take(euro.substr(2) + "b"), euro + "b");
  EXPECT_EQ(chunker.take("\xFF"), "\xFF");  // not UTF-8 at all: passed on (JSON output replaces it)
  EXPECT_EQ(chunker.take("\xF0\x9F"), "");
  EXPECT_EQ(chunker.flush(), "\xF0\x9F");
}

TEST(ResultJson, InvalidUtf8BecomesReplacementCharacters) {
  sandbox::Result result;
  result.status = sandbox::Status::Ok;
  result.stdout_data = "ok\xFF";
  std::string text = dumpJson(resultJson(result, {}));
  EXPECT_NE(text.find("\"stdout\":\"ok\xEF\xBF\xBD\""), std::string::npos) << text;
}

}  // namespace
}  // namespace warden::service
