// PythonRuntime: one-shot runs with captured and streamed output, the
// request's environment and work directory, and each limit ending a run
// with its own status while the host carries on.
#include "sandbox/python_runtime.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sandbox/python_home.h"
#include "shared_runtime.h"
#include "support/host_io.h"

namespace warden::sandbox {
namespace {

using namespace std::chrono_literals;

class PythonRuntimeTest : public SharedRuntimeTest {
 protected:
  static void SetUpTestSuite() { startRuntime({}); }
};

TEST_F(PythonRuntimeTest, CapturesStdoutAndStderr) {
  Result r = runtime_->run("import sys\nprint('out', 6 * 7)\nprint('err', file=sys.stderr)", {});
  EXPECT_EQ(r.status, Status::Ok) << r.message << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "out 42\n");
  EXPECT_EQ(r.stderr_data, "err\n");
  EXPECT_GT(r.memory_peak_bytes, 0u);
}

TEST_F(PythonRuntimeTest, ExceptionIsAnErrorWithTraceback) {
  Result r = runtime_->run("raise ValueError('boom')", {});
  EXPECT_EQ(r.status, Status::Error);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.stderr_data.find("ValueError: boom"), std::string::npos) << r.stderr_data;
}

TEST_F(PythonRuntimeTest, StreamsOutputAsWritten) {
  Request request;
  std::string streamed;
  int chunks = 0;
  request.on_output = [&](int fd, std::string_view bytes) {
    if (fd == 1) streamed.append(bytes), ++chunks;
  };
  Result r = runtime_->run("import sys\nfor i in range(3):\n  print(i, flush=True)", request);
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_EQ(streamed, "0\n1\n2\n");
  EXPECT_GE(chunks, 3);
  EXPECT_EQ(r.stdout_data, streamed);
}

TEST_F(PythonRuntimeTest, SeesOnlyTheRequestEnvironmentStdinAndArgs) {
  Request request;
  request.env = {{"GREETING", "hi"}};
  request.stdin_data = "line one\n";
  request.args = {"a1"};
  Result r = runtime_->run("import os, sys\nprint(dict(os.environ))\nprint(sys.stdin.read(), end='')\nprint(sys.argv[1:])",
                           request);
  EXPECT_EQ(r.status, Status::Ok) << r.stderr_data;
  EXPECT_EQ(r.stdout_data, "{'GREETING': 'hi'}\nline one\n['a1']\n");
}

TEST_F(PythonRuntimeTest, WorkDirIsTheCurrentDirectory) {
  Expect<TempDir> dir = TempDir::create("warden-sbx");
  ASSERT_TRUE(dir);
  std::ofstream(std::filesystem::path(dir->path()) / "in.txt") << "data";
  Request request;
  request.work_dir = dir->path();
  request.env = {{"ONLY", "this"}};
  Result r = runtime_->run(
      "import os\nprint(open('in.txt').read(), os.getcwd(), dict(os.environ))\nopen('out.txt', 'w').write('made')", request);
  EXPECT_EQ(r.status, Status::Ok) << r.stderr_data;
  // The driver's cwd variable is not part of the program's environment.
  EXPECT_EQ(r.stdout_data, "data /work {'ONLY': 'this'}\n");
  Expect<std::string> made = readFileText((std::filesystem::path(dir->path()) / "out.txt").string());
  ASSERT_TRUE(made);
  EXPECT_EQ(*made, "made");
}

TEST_F(PythonRuntimeTest, TimeoutStopsAnInfiniteLoop) {
  Request request;
  request.limits.timeout = 300ms;
  Result r = runtime_->run("print('before', flush=True)\nwhile True: pass", request);
  EXPECT_EQ(r.status, Status::Timeout);
  EXPECT_EQ(r.stdout_data, "before\n");
}

TEST_F(PythonRuntimeTest, FuelRunsOut) {
  Request request;
  request.limits.fuel = 1'000'000;
  Result r = runtime_->run("while True: pass", request);
  EXPECT_EQ(r.status, Status::FuelExhausted);
  EXPECT_GT(r.fuel_used, 0u);
}

TEST_F(PythonRuntimeTest, MemoryBombHitsTheLimit) {
  Request request;
  request.limits.memory_bytes = 64ull << 20;
  Result r = runtime_->run("x = bytearray(200 * 1024 * 1024)", request);
  EXPECT_EQ(r.status, Status::MemoryLimit) << r.message << r.stderr_data;
  EXPECT_LE(r.memory_peak_bytes, 64ull << 20);
}

TEST_F(PythonRuntimeTest, OutputFloodIsCutAtTheLimit) {
  Request request;
  request.limits.output_bytes = 10000;
  Result r = runtime_->run("while True: print('x' * 1000)", request);
  EXPECT_EQ(r.status, Status::OutputLimit);
  EXPECT_TRUE(r.output_truncated);
  EXPECT_EQ(r.stdout_data.size() + r.stderr_data.size(), 10000u);
}

}  // namespace
}  // namespace warden::sandbox
