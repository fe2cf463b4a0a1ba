// Path resolution beneath a preopen: escapes through "..", absolute paths,
// symlinks (absolute, relative, loops, through directories), NUL bytes and
// long paths are refused; paths and symlinks that stay inside work. Each
// case runs with openat2 and with the manual O_NOFOLLOW walk.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "wasi/path_resolver.h"

namespace warden::wasi {
namespace {

namespace fs = std::filesystem;

class PathResolverTest : public ::testing::TestWithParam<ResolveMode> {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/warden-wasi-path-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "sandbox/sub/deeper");
    std::ofstream(root_ / "outside.txt") << "secret";
    std::ofstream(root_ / "sandbox/file.txt") << "inside";
    std::ofstream(root_ / "sandbox/sub/inner.txt") << "inner";
    fs::create_symlink("sub/inner.txt", root_ / "sandbox/link_in");
    fs::create_symlink("../file.txt", root_ / "sandbox/sub/link_up_in");
    fs::create_symlink((root_ / "outside.txt").string(), root_ / "sandbox/link_out_abs");
    fs::create_symlink("../outside.txt", root_ / "sandbox/link_out_rel");
    fs::create_symlink("../../outside.txt", root_ / "sandbox/sub/link_out_rel2");
    fs::create_symlink("loop2", root_ / "sandbox/loop1");
    fs::create_symlink("loop1", root_ / "sandbox/loop2");
    fs::create_symlink("sub", root_ / "sandbox/dirlink_in");
    fs::create_symlink("..", root_ / "sandbox/dirlink_out");
    fs::create_symlink("/", root_ / "sandbox/dirlink_root");
    fs::create_symlink("../created.txt", root_ / "sandbox/dangling_out");
    dir_ = open((root_ / "sandbox").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dir_, 0);
  }
  void TearDown() override {
    close(dir_);
    fs::remove_all(root_);
  }

  Errno openErr(std::string_view path, bool follow = true, int flags = O_RDONLY) {
    auto r = openBeneath(dir_, path, flags, 0644, follow, GetParam());
    return r ? Errno::Success : r.error();
  }
  std::string readAll(std::string_view path) {
    auto r = openBeneath(dir_, path, O_RDONLY, 0, true, GetParam());
    if (!r) return "<error>";
    char buf[64];
    ssize_t n = read(r->get(), buf, sizeof buf);
    return std::string(buf, n > 0 ? size_t(n) : 0);
  }

  fs::path root_;
  int dir_ = -1;
};

TEST_P(PathResolverTest, PathsInsideOpen) {
  EXPECT_EQ(readAll("file.txt"), "inside");
  EXPECT_EQ(readAll("sub/inner.txt"), "inner");
  EXPECT_EQ(readAll("sub/../file.txt"), "inside");
  EXPECT_EQ(readAll("./sub/./deeper/../inner.txt"), "inner");
  EXPECT_EQ(readAll("sub//inner.txt"), "inner");
  EXPECT_EQ(openErr("."), Errno::Success);
  EXPECT_EQ(openErr("sub/"), Errno::Success);
}

TEST_P(PathResolverTest, SymlinksThatStayInsideWork) {
  EXPECT_EQ(readAll("link_in"), "inner");
  EXPECT_EQ(readAll("sub/link_up_in"), "inside");
  EXPECT_EQ(readAll("dirlink_in/inner.txt"), "inner");
}

TEST_P(PathResolverTest, DotDotCannotLeave) {
  EXPECT_EQ(openErr(".."), Errno::NotCapable);
  EXPECT_EQ(openErr("../outside.txt"), Errno::NotCapable);
  EXPECT_EQ(openErr("sub/../../outside.txt"), Errno::NotCapable);
  EXPECT_EQ(openErr("sub/deeper/../../../outside.txt"), Errno::NotCapable);
}

TEST_P(PathResolverTest, AbsolutePathsAreRefused) {
  EXPECT_EQ(openErr("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(openErr((root_ / "outside.txt").string()), Errno::NotCapable);
}

TEST_P(PathResolverTest, SymlinksOutAreRefused) {
  EXPECT_EQ(openErr("link_out_abs"), Errno::NotCapable);
  EXPECT_EQ(openErr("link_out_rel"), Errno::NotCapable);
  EXPECT_EQ(openErr("sub/link_out_rel2"), Errno::NotCapable);
  EXPECT_EQ(openErr("dirlink_out/outside.txt"), Errno::NotCapable);
  EXPECT_EQ(openErr("dirlink_root/etc/passwd"), Errno::NotCapable);
  // Creating through a dangling symlink that points out must not create the file.
  EXPECT_EQ(openErr("dangling_out", true, O_WRONLY | O_CREAT), Errno::NotCapable);
  EXPECT_FALSE(fs::exists(root_ / "created.txt"));
}

TEST_P(PathResolverTest, FinalSymlinkNotFollowedUnlessAsked) {
  EXPECT_EQ(openErr("link_in", false), Errno::Loop);
  EXPECT_EQ(openErr("link_out_abs", false), Errno::Loop);
  EXPECT_EQ(openErr("link_in", false, O_PATH), Errno::Success);  // the link itself
}

TEST_P(PathResolverTest, SymlinkLoopsGiveLoop) {
  EXPECT_EQ(openErr("loop1"), Errno::Loop);
  EXPECT_EQ(openErr("loop1/x"), Errno::Loop);
}

TEST_P(PathResolverTest, NulAndLongPathsAreRefused) {
  EXPECT_EQ(openErr(std::string_view("file.txt\0../outside.txt", 24)), Errno::Inval);
  EXPECT_EQ(openErr(std::string(5000, 'a')), Errno::NameTooLong);
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "sub/../";
  EXPECT_EQ(openErr(deep + "../outside.txt"), Errno::NameTooLong);  // over 4096 bytes
  EXPECT_EQ(openErr(""), Errno::NoEnt);
}

TEST_P(PathResolverTest, ParentResolution) {
  auto inside = resolveParent(dir_, "sub/new.txt", GetParam());
  ASSERT_TRUE(inside);
  EXPECT_EQ(inside->name, "new.txt");
  auto trailing = resolveParent(dir_, "sub/deeper/", GetParam());
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->name, "deeper");
  EXPECT_TRUE(trailing->trailing_slash);
  auto via_link = resolveParent(dir_, "dirlink_in/x", GetParam());
  ASSERT_TRUE(via_link);

  auto err = [&](std::string_view p) {
    auto r = resolveParent(dir_, p, GetParam());
    return r ? Errno::Success : r.error();
  };
  EXPECT_EQ(err("../x"), Errno::NotCapable);
  EXPECT_EQ(err("dirlink_out/x"), Errno::NotCapable);
  EXPECT_EQ(err("/tmp/x"), Errno::NotCapable);
  EXPECT_EQ(err(".."), Errno::NotCapable);
  EXPECT_EQ(err("sub/.."), Errno::Inval);
  EXPECT_EQ(err("sub/../.."), Errno::NotCapable);
}

INSTANTIATE_TEST_SUITE_P(BothWalks, PathResolverTest,
                         ::testing::Values(ResolveMode::Auto, ResolveMode::ManualWalk),
                         [](const auto& info) { return info.param == ResolveMode::Auto ? "Openat2" : "ManualWalk"; });

}  // namespace
}  // namespace warden::wasi
