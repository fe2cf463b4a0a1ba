// WASI host functions called directly on a WasiContext with a plain byte
// buffer as guest memory: rights and read-only preopens, bounds checks
// (FAULT, not a crash), args, proc_exit, the output limit and fd_readdir.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/api.h"
#include "wasi/wasi_host.h"

namespace warden::wasi {
namespace {

namespace fs = std::filesystem;

constexpr uint32_t kPathAt = 4096;    // guest path strings
constexpr uint32_t kOutAt = 8192;     // results written by the host
constexpr uint32_t kIovAt = 12288;    // iovec array
constexpr uint32_t kDataAt = 16384;   // data buffers

class WasiFunctionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/warden-wasi-fn-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "rw");
    fs::create_directories(root_ / "ro/sub");
    std::ofstream(root_ / "ro/data.txt") << "read only";
    std::ofstream(root_ / "outside.txt") << "secret";
    memory_.assign(65536, 0);
  }
  void TearDown() override { fs::remove_all(root_); }

  // fd 3 = rw preopen "/rw", fd 4 = ro preopen "/ro".
  void makeContext(WasiLimits limits = {}) {
    WasiConfig config;
    config.arg("prog.wasm").arg("one").env("KEY", "value");
    config.preopenDir((root_ / "rw").string(), "/rw", false);
    config.preopenDir((root_ / "ro").string(), "/ro", true);
    config.stdoutTo(StdioSpec::memory(stdout_));
    config.limits(limits);
    auto ctx = WasiContext::create(std::move(config));
    ASSERT_TRUE(ctx) << ctx.error().message();
    ctx_ = std::move(*ctx);
  }

  // Calls the named WASI function; an Error (exit, limit) becomes its code in `stopped_`.
  Errno call(const char* name, std::initializer_list<uint64_t> args) {
    std::vector<Value> values;
    for (uint64_t a : args) values.push_back(Value::fromI64(a));
    for (auto family : {argsClockProcFunctions(), fdIoFunctions(), fdStatFunctions(), pathFunctions(),
                        pollFunctions(), sockFunctions()}) {
      for (const WasiFunction& f : family) {
        if (std::strcmp(f.name, name) != 0) continue;
        EXPECT_EQ(std::strlen(f.params), values.size()) << name;
        HostCall host{store_, nullptr};
        WasiCall wasi{*ctx_, host, GuestMemory(memory_.data(), memory_.size()), values};
        Expect<Errno> result = f.handler(wasi);
        stopped_ = result ? std::nullopt : std::optional<ErrorCode>(result.error().code());
        return result ? *result : Errno::Success;
      }
    }
    ADD_FAILURE() << "no WASI function " << name;
    return Errno::NoSys;
  }

  uint32_t putPath(std::string_view path) {
    std::memcpy(memory_.data() + kPathAt, path.data(), path.size());
    return uint32_t(path.size());
  }
  uint32_t u32At(uint32_t at) { uint32_t v; std::memcpy(&v, memory_.data() + at, 4); return v; }

  // path_open relative to `dir`; returns the errno, the new fd in *fd.
  Errno open(uint32_t dir, std::string_view path, uint32_t oflags, uint64_t rights, uint32_t* fd = nullptr) {
    uint32_t len = putPath(path);
    Errno e = call("path_open", {dir, 1, kPathAt, len, oflags, rights, rights::All, 0, kOutAt});
    if (fd) *fd = u32At(kOutAt);
    return e;
  }
  Errno write(uint32_t fd, std::string_view data) {
    std::memcpy(memory_.data() + kDataAt, data.data(), data.size());
    uint32_t iov[2] = {kDataAt, uint32_t(data.size())};
    std::memcpy(memory_.data() + kIovAt, iov, sizeof iov);
    return call("fd_write", {fd, kIovAt, 1, kOutAt});
  }

  fs::path root_;
  Engine engine_;
  Store store_{engine_};
  std::vector<uint8_t> memory_;
  std::shared_ptr<std::string> stdout_ = std::make_shared<std::string>();
  std::unique_ptr<WasiContext> ctx_;
  std::optional<ErrorCode> stopped_;
};

TEST_F(WasiFunctionsTest, ReadWritePreopenCreatesWritesAndReads) {
  makeContext();
  uint32_t fd = 0;
  ASSERT_EQ(open(3, "new.txt", oflags::Creat, rights::FdWrite | rights::FdRead, &fd), Errno::Success);
  EXPECT_EQ(write(fd, "hello"), Errno::Success);
  EXPECT_EQ(u32At(kOutAt), 5u);
  EXPECT_EQ(call("fd_close", {fd}), Errno::Success);
  std::ifstream in(root_ / "rw/new.txt");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text, "hello");
  EXPECT_EQ(call("fd_close", {fd}), Errno::Badf);
}

TEST_F(WasiFunctionsTest, ReadOnlyPreopenDeniesEveryChange) {
  makeContext();
  uint64_t read = rights::FdRead | rights::FdSeek;
  EXPECT_EQ(open(4, "created.txt", oflags::Creat, read), Errno::Rofs);
  EXPECT_EQ(open(4, "data.txt", oflags::Trunc, read), Errno::Rofs);
  EXPECT_EQ(open(4, "data.txt", 0, rights::FdWrite), Errno::Rofs);
  uint32_t len = putPath("data.txt");
  EXPECT_EQ(call("path_unlink_file", {4, kPathAt, len}), Errno::Rofs);
  EXPECT_EQ(call("path_rename", {4, kPathAt, len, 3, kPathAt, len}), Errno::Rofs);
  EXPECT_EQ(call("path_filestat_set_times", {4, 0, kPathAt, len, 0, 0, fstflags::MtimNow}), Errno::Rofs);
  len = putPath("newdir");
  EXPECT_EQ(call("path_create_directory", {4, kPathAt, len}), Errno::Rofs);
  len = putPath("sub");
  EXPECT_EQ(call("path_remove_directory", {4, kPathAt, len}), Errno::Rofs);
  EXPECT_EQ(call("path_symlink", {kPathAt, len, 4, kPathAt, len}), Errno::Rofs);

  // Reading works; the descriptor holds no write right.
  uint32_t fd = 0;
  ASSERT_EQ(open(4, "data.txt", 0, read, &fd), Errno::Success);
  EXPECT_EQ(write(fd, "x"), Errno::NotCapable);
  EXPECT_EQ(call("fd_filestat_set_size", {fd, 0}), Errno::NotCapable);
  EXPECT_EQ(call("fd_allocate", {fd, 0, 100}), Errno::NotCapable);
  EXPECT_EQ(fs::file_size(root_ / "ro/data.txt"), 9u);
  EXPECT_FALSE(fs::exists(root_ / "ro/created.txt"));
}

TEST_F(WasiFunctionsTest, RightsCanOnlyShrink) {
  makeContext();
  uint32_t fd = 0;
  ASSERT_EQ(open(3, "f.txt", oflags::Creat, rights::FdWrite | rights::FdRead, &fd), Errno::Success);
  EXPECT_EQ(call("fd_fdstat_set_rights", {fd, rights::FdRead, 0}), Errno::Success);
  EXPECT_EQ(write(fd, "x"), Errno::NotCapable);
  EXPECT_EQ(call("fd_fdstat_set_rights", {fd, rights::FdRead | rights::FdWrite, 0}), Errno::NotCapable);
  // A request beyond the directory's inheritable rights is refused.
  EXPECT_EQ(call("fd_fdstat_set_rights", {3, rights::Directory, 0}), Errno::Success);
  uint32_t len = putPath("g.txt");
  EXPECT_EQ(call("path_open", {3, 0, kPathAt, len, oflags::Creat, rights::FdRead, 0, 0, kOutAt}), Errno::NotCapable);
}

TEST_F(WasiFunctionsTest, EscapesThroughPathFunctionsAreRefused) {
  makeContext();
  EXPECT_EQ(open(3, "../outside.txt", 0, rights::FdRead), Errno::NotCapable);
  EXPECT_EQ(open(3, "/etc/passwd", 0, rights::FdRead), Errno::NotCapable);
  uint32_t len = putPath("../escaped");
  EXPECT_EQ(call("path_create_directory", {3, kPathAt, len}), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(root_ / "escaped"));
  // An absolute symlink target is refused outright.
  std::string target = (root_ / "outside.txt").string();
  std::memcpy(memory_.data() + kDataAt, target.data(), target.size());
  len = putPath("abs_link");
  EXPECT_EQ(call("path_symlink", {kDataAt, target.size(), 3, kPathAt, len}), Errno::Perm);
  // A relative one pointing out may exist but cannot be followed.
  std::memcpy(memory_.data() + kDataAt, "../outside.txt", 14);
  len = putPath("rel_link");
  EXPECT_EQ(call("path_symlink", {kDataAt, 14, 3, kPathAt, len}), Errno::Success);
  EXPECT_EQ(open(3, "rel_link", 0, rights::FdRead), Errno::NotCapable);
  len = putPath("rel_link");
  EXPECT_EQ(call("path_filestat_get", {3, 1, kPathAt, len, kOutAt}), Errno::NotCapable);
  EXPECT_EQ(call("path_filestat_get", {3, 0, kPathAt, len, kOutAt}), Errno::Success);
  EXPECT_EQ(memory_[kOutAt + 16], uint8_t(Filetype::SymbolicLink));
  // Hard links cannot name a file outside either.
  std::memcpy(memory_.data() + kDataAt, "../outside.txt", 14);
  len = putPath("hard");
  EXPECT_EQ(call("path_link", {3, 0, kDataAt, 14, 3, kPathAt, len}), Errno::NotCapable);
}

TEST_F(WasiFunctionsTest, BadPointersGiveFault) {
  makeContext();
  EXPECT_EQ(call("args_sizes_get", {65535, kOutAt}), Errno::Fault);
  EXPECT_EQ(call("fd_write", {1, 70000, 1, kOutAt}), Errno::Fault);
  uint32_t iov[2] = {65530, 100};  // buffer runs past the end of memory
  std::memcpy(memory_.data() + kIovAt, iov, sizeof iov);
  EXPECT_EQ(call("fd_write", {1, kIovAt, 1, kOutAt}), Errno::Fault);
  EXPECT_EQ(call("random_get", {0xFFFFFFF0u, 32}), Errno::Fault);
  EXPECT_EQ(call("path_open", {3, 0, 65000, 4000, 0, 0, 0, 0, kOutAt}), Errno::Fault);
  EXPECT_TRUE(stdout_->empty());
}

TEST_F(WasiFunctionsTest, ArgsAndEnvironment) {
  makeContext();
  ASSERT_EQ(call("args_sizes_get", {kOutAt, kOutAt + 4}), Errno::Success);
  EXPECT_EQ(u32At(kOutAt), 2u);
  EXPECT_EQ(u32At(kOutAt + 4), 14u);  // "prog.wasm\0one\0"
  ASSERT_EQ(call("args_get", {kOutAt, kDataAt}), Errno::Success);
  EXPECT_EQ(u32At(kOutAt), kDataAt);
  EXPECT_STREQ(reinterpret_cast<char*>(memory_.data() + u32At(kOutAt + 4)), "one");
  ASSERT_EQ(call("environ_get", {kOutAt, kDataAt}), Errno::Success);
  EXPECT_STREQ(reinterpret_cast<char*>(memory_.data() + kDataAt), "KEY=value");
}

TEST_F(WasiFunctionsTest, ProcExitUnwindsWithItsCode) {
  makeContext();
  call("proc_exit", {7});
  EXPECT_EQ(stopped_, ErrorCode::Exit);
  EXPECT_EQ(ctx_->exitCode(), 7u);
}

TEST_F(WasiFunctionsTest, OutputLimitCutsTheWriteAndStops) {
  WasiLimits limits;
  limits.max_output_bytes = 5;
  makeContext(limits);
  EXPECT_EQ(write(1, "hel"), Errno::Success);
  EXPECT_FALSE(stopped_);
  write(1, "lo world");
  EXPECT_EQ(stopped_, ErrorCode::OutputLimit);
  EXPECT_EQ(*stdout_, "hello");
}

TEST_F(WasiFunctionsTest, WriteLimitAndFdLimit) {
  WasiLimits limits;
  limits.max_write_bytes = 4;
  limits.max_fds = 6;  // 3 stdio + 2 preopens + 1
  makeContext(limits);
  uint32_t fd = 0;
  ASSERT_EQ(open(3, "a.txt", oflags::Creat, rights::FdWrite, &fd), Errno::Success);
  EXPECT_EQ(open(3, "b.txt", oflags::Creat, rights::FdWrite), Errno::Mfile);
  write(fd, "123456");
  EXPECT_EQ(stopped_, ErrorCode::WriteLimit);
  EXPECT_EQ(fs::file_size(root_ / "rw/a.txt"), 4u);
}

TEST_F(WasiFunctionsTest, ReaddirListsWithCookies) {
  makeContext();
  uint32_t fd = 0;
  ASSERT_EQ(open(4, ".", oflags::Directory, rights::FdReaddir, &fd), Errno::Success);
  ASSERT_EQ(call("fd_readdir", {fd, kDataAt, 4096, 0, kOutAt}), Errno::Success);
  uint32_t used = u32At(kOutAt);
  std::vector<std::string> names;
  uint64_t last_next = 0;
  for (uint32_t at = 0; at + 24 <= used;) {
    uint32_t namlen = u32At(kDataAt + at + 16);
    std::memcpy(&last_next, memory_.data() + kDataAt + at, 8);
    names.emplace_back(reinterpret_cast<char*>(memory_.data() + kDataAt + at + 24), namlen);
    at += 24 + namlen;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "data.txt", "sub"}));
  // Continuing from the last cookie yields nothing more.
  ASSERT_EQ(call("fd_readdir", {fd, kDataAt, 4096, last_next, kOutAt}), Errno::Success);
  EXPECT_EQ(u32At(kOutAt), 0u);
}

TEST_F(WasiFunctionsTest, DefiningForAModuleDefinesOnlyWhatItImports) {
  makeContext();
  Module module;
  module.imports.push_back(Import{"wasi_snapshot_preview1", "fd_write", ExternKind::Func, 0, {}, {}, {}});
  module.imports.push_back(Import{"env", "fd_read", ExternKind::Func, 0, {}, {}, {}});
  Linker linker;
  ASSERT_TRUE(defineWasi(linker, store_, *ctx_, &module));
  EXPECT_TRUE(linker.lookup("wasi_snapshot_preview1", "fd_write"));
  EXPECT_FALSE(linker.lookup("wasi_snapshot_preview1", "fd_read"));  // imported from another module name
  EXPECT_FALSE(linker.lookup("wasi_snapshot_preview1", "path_open"));
  Linker all;
  ASSERT_TRUE(defineWasi(all, store_, *ctx_));
  EXPECT_TRUE(all.lookup("wasi_snapshot_preview1", "fd_read"));
  EXPECT_TRUE(all.lookup("wasi_snapshot_preview1", "path_open"));
}

TEST_F(WasiFunctionsTest, SocketsAreAbsentByDefault) {
  makeContext();
  EXPECT_EQ(call("sock_shutdown", {9, 3}), Errno::Badf);
  EXPECT_EQ(call("sock_accept", {1, 0, kOutAt}), Errno::NotSock);
  EXPECT_EQ(call("proc_raise", {9}), Errno::NoSys);
}

}  // namespace
}  // namespace warden::wasi
