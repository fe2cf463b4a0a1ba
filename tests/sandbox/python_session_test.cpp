// Python sessions and snapshot isolation: a session keeps its globals,
// imports and files between runs; a stopped run ends the session; sandboxes
// restored from one snapshot never see each other's writes; a snapshot
// saved to a file restores the same state in another runtime.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "sandbox/python_home.h"
#include "shared_runtime.h"
#include "sandbox/python_runtime.h"
#include "sandbox/sandbox.h"
#include "sandbox/snapshot.h"
#include "support/host_io.h"

namespace warden::sandbox {
namespace {

using namespace std::chrono_literals;

class PythonSessionTest : public SharedRuntimeTest {
 protected:
  static void SetUpTestSuite() { startRuntime({"json"}); }
};

TEST_F(PythonSessionTest, GlobalsAndImportsSurviveBetweenRuns) {
  auto session = runtime_->openSession({});
  ASSERT_TRUE(session) << session.error().message();
  Result first = (*session)->run("import collections\ncounter = collections.Counter('abca')\nx = 41", {});
  ASSERT_EQ(first.status, Status::Ok) << first.stderr_data;
  Result second = (*session)->run("x += 1\nprint(x, counter['a'])", {});
  EXPECT_EQ(second.status, Status::Ok) << second.stderr_data;
  EXPECT_EQ(second.stdout_data, "42 2\n");
}

TEST_F(PythonSessionTest, AnExceptionDoesNotEndTheSession) {
  auto session = runtime_->openSession({});
  ASSERT_TRUE(session);
  (*session)->run("value = 'kept'", {});
  Result failed = (*session)->run("raise KeyError('k')", {});
  EXPECT_EQ(failed.status, Status::Error);
  EXPECT_NE(failed.stderr_data.find("KeyError"), std::string::npos);
  Result exited = (*session)->run("import sys; sys.exit(3)", {});
  EXPECT_EQ(exited.status, Status::Error);
  EXPECT_EQ(exited.exit_code, 3);
  Result after = (*session)->run("print(value)", {});
  EXPECT_EQ(after.status, Status::Ok);
  EXPECT_EQ(after.stdout_data, "kept\n");
  EXPECT_TRUE((*session)->alive());
}

TEST_F(PythonSessionTest, FilesInTheWorkDirSurvive) {
  Expect<TempDir> dir = TempDir::create("warden-session");
  ASSERT_TRUE(dir);
  Request open_request;
  open_request.work_dir = dir->path();
  auto session = runtime_->openSession(open_request);
  ASSERT_TRUE(session);
  ASSERT_EQ((*session)->run("open('notes.txt', 'w').write('remember')", {}).status, Status::Ok);
  Result read = (*session)->run("import os\nprint(os.getcwd(), open('notes.txt').read())", {});
  EXPECT_EQ(read.stdout_data, "/work remember\n") << read.stderr_data;
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir->path()) / "notes.txt"));
}

TEST_F(PythonSessionTest, ATimeoutEndsTheSessionAndTheHostCarriesOn) {
  auto session = runtime_->openSession({});
  ASSERT_TRUE(session);
  Request request;
  request.limits.timeout = 200ms;
  Result stopped = (*session)->run("while True: pass", request);
  EXPECT_EQ(stopped.status, Status::Timeout);
  EXPECT_FALSE((*session)->alive());
  Result refused = (*session)->run("print(1)", {});
  EXPECT_EQ(refused.status, Status::Internal);
  EXPECT_NE(refused.message.find("session has ended"), std::string::npos);
  // Other sandboxes are unaffected.
  EXPECT_EQ(runtime_->run("print('still here')", {}).stdout_data, "still here\n");
}

TEST_F(PythonSessionTest, TwoSessionsNeverShareState) {
  auto a = runtime_->openSession({});
  auto b = runtime_->openSession({});
  ASSERT_TRUE(a && b);
  // Writes into a module both inherited from the snapshot (json is preloaded).
  ASSERT_EQ((*a)->run("import json\njson.marker = 'A'\nsecret = 'a-only'", {}).status, Status::Ok);
  ASSERT_EQ((*b)->run("import json\njson.marker = 'B'", {}).status, Status::Ok);
  Result in_a = (*a)->run("print(json.marker, secret)", {});
  Result in_b = (*b)->run("print(json.marker, 'secret' in globals())", {});
  EXPECT_EQ(in_a.stdout_data, "A a-only\n");
  EXPECT_EQ(in_b.stdout_data, "B False\n");
  // A fresh sandbox from the same snapshot sees neither.
  Result fresh = runtime_->run("import json\nprint(hasattr(json, 'marker'))", {});
  EXPECT_EQ(fresh.stdout_data, "False\n");
}

TEST_F(PythonSessionTest, RestoredMemoryIsCopyOnWrite) {
  // Two live sandboxes from one snapshot: a byte written into one's linear
  // memory is not in the other's, nor in a third restored afterwards.
  auto first = runtime_->acquire({});
  auto second = runtime_->acquire({});
  ASSERT_TRUE(first && second);
  MemoryInstance* m1 = (*first)->memory();
  MemoryInstance* m2 = (*second)->memory();
  ASSERT_TRUE(m1 && m2);
  ASSERT_EQ(m1->size, m2->size);
  ASSERT_NE(m1->base, m2->base);
  uint64_t at = m1->size / 2;
  uint8_t original = m2->base[at];
  m1->base[at] = uint8_t(original ^ 0xFF);
  EXPECT_EQ(m2->base[at], original);
  auto third = runtime_->acquire({});
  ASSERT_TRUE(third);
  EXPECT_EQ((*third)->memory()->base[at], original);
}

TEST_F(PythonSessionTest, SnapshotFileRestoresTheSameState) {
  Expect<TempDir> dir = TempDir::create("warden-snapfile");
  ASSERT_TRUE(dir);
  std::string path = (std::filesystem::path(dir->path()) / "python.snapshot").string();
  ASSERT_TRUE(runtime_->saveSnapshot(path));

  Engine engine;
  auto loaded = PythonRuntime::create(engine, {.home = runtime_->options().home, .snapshot_file = path});
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ((*loaded)->snapshot().moduleDigest(), runtime_->snapshot().moduleDigest());
  EXPECT_EQ((*loaded)->snapshot().metadata(), runtime_->snapshot().metadata());
  const char* program = "import sys, json\nprint('json' in sys.modules, json.dumps([1, 2]), sys.argv)";
  Result from_file = (*loaded)->run(program, {});
  Result from_memory = runtime_->run(program, {});
  EXPECT_EQ(from_file.status, Status::Ok) << from_file.stderr_data;
  EXPECT_EQ(from_file.stdout_data, "True [1, 2] ['-c']\n");
  EXPECT_EQ(from_file.stdout_data, from_memory.stdout_data);
}

TEST_F(PythonSessionTest, BadSnapshotFilesAreRefusedWithAReason) {
  Expect<TempDir> dir = TempDir::create("warden-badsnap");
  ASSERT_TRUE(dir);
  std::string path = (std::filesystem::path(dir->path()) / "bad.snapshot").string();
  std::ofstream(path) << "not a snapshot at all";
  auto garbage = Snapshot::load(path);
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().detail().find("not a warden snapshot"), std::string::npos) << garbage.error().detail();

  // A real snapshot cut short.
  ASSERT_TRUE(runtime_->saveSnapshot(path));
  std::filesystem::resize_file(path, 100 * 1024);
  auto truncated = Snapshot::load(path);
  ASSERT_FALSE(truncated);
  EXPECT_NE(truncated.error().detail().find("truncated"), std::string::npos) << truncated.error().detail();

  EXPECT_FALSE(Snapshot::load((std::filesystem::path(dir->path()) / "missing").string()));
}

}  // namespace
}  // namespace warden::sandbox

namespace warden::sandbox {
namespace {

TEST(PythonPool, RefillsInTheBackgroundAndNeverReusesASandbox) {
  Engine engine;
  auto runtime = PythonRuntime::create(engine, {.home = locatePythonHome(std::nullopt), .pool_size = 3});
  ASSERT_TRUE(runtime) << runtime.error().message();
  (*runtime)->waitForPool();
  EXPECT_EQ((*runtime)->pooledReady(), 3u);
  // Each run takes a sandbox of its own: state never carries over.
  for (int i = 0; i < 5; ++i) {
    Result r = (*runtime)->run("import builtins\nprint(hasattr(builtins, 'left_behind'))\nbuiltins.left_behind = 1", {});
    ASSERT_EQ(r.status, Status::Ok) << r.stderr_data;
    EXPECT_EQ(r.stdout_data, "False\n");
  }
  (*runtime)->waitForPool();
  EXPECT_EQ((*runtime)->pooledReady(), 3u);
}

}  // namespace
}  // namespace warden::sandbox
