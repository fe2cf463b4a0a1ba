// Compiled bodies kept in a file (code_cache.h): a round trip installs the
// same code (same results, nothing compiled again), and a file of another
// key, a truncated or reshaped file, or one others may write is refused
// whole, installing nothing.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "runtime/api.h"
#include "runtime/code_cache.h"
#include "runtime/interpreter.h"
#include "runtime/lazy_bodies.h"
#include "runtime/threaded_code.h"
#include "support/host_io.h"

namespace warden {
namespace {

// (module
//   (func $seven (export "seven") (result i32) (i32.const 7))
//   (func (export "eight") (result i32) (i32.add (call $seven) (i32.const 1))))
const uint8_t kModule[] = {
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
  0x03, 0x03, 0x02, 0x00, 0x00,
  0x07, 0x11, 0x02, 0x05, 's', 'e', 'v', 'e', 'n', 0x00, 0x00,
  0x05, 'e', 'i', 'g', 'h', 't', 0x00, 0x01,
  0x0a, 0x0e, 0x02, 0x04, 0x00, 0x41, 0x07, 0x0b,
  0x07, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b,
};

int32_t callExport(Engine& engine, const std::shared_ptr<const Module>& module, std::string_view name) {
  Store store(engine);
  Linker linker;
  Instance* instance = linker.instantiate(store, module).value();
  return invoke(store, *getExport(*instance, name)->func, {}).value()[0].i32;
}

class CodeCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>(TempDir::create("warden-code-cache-").value());
    path_ = dir_->path() + "/bodies.code";
    auto compiled = compileModuleLazily(engine_, kModule);
    ASSERT_TRUE(compiled);
    EXPECT_EQ(callExport(engine_, *compiled, "eight"), 8);  // compiles both bodies
    ASSERT_EQ((*compiled)->lazy->compiledCount(), 2u);
    ASSERT_TRUE(saveCompiledBodies(path_, **compiled, "key-1"));
  }
  std::shared_ptr<const Module> fresh() { return compileModuleLazily(engine_, kModule).value(); }

  Engine engine_;
  std::unique_ptr<TempDir> dir_;
  std::string path_;
};

TEST_F(CodeCacheTest, RoundTripInstallsWorkingCodeWithoutCompiling) {
  auto module = fresh();
  Expect<size_t> loaded = loadCompiledBodies(path_, *module, "key-1");
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(*loaded, 2u);
  EXPECT_EQ(module->lazy->compiledCount(), 2u);
  EXPECT_FALSE(module->initialCode(0)->lazy_stub);
  EXPECT_EQ(callExport(engine_, module, "eight"), 8);
  EXPECT_EQ(callExport(engine_, module, "seven"), 7);
  EXPECT_EQ(module->lazy->compiledCount(), 2u);  // nothing compiled on the calls
}

TEST_F(CodeCacheTest, AnotherKeyIsRefused) {
  auto module = fresh();
  EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-2"));
  EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-"));
  EXPECT_EQ(module->lazy->compiledCount(), 0u);
  EXPECT_EQ(callExport(engine_, module, "eight"), 8);  // compiled as usual instead
}

TEST_F(CodeCacheTest, TruncatedOrPaddedFilesAreRefusedWhole) {
  std::ifstream in(path_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::string variant : {bytes.substr(0, bytes.size() - 4), bytes.substr(0, bytes.size() / 2), bytes + std::string(4, '\0'),
                              std::string("WDNCODE9") + bytes.substr(8)}) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << variant;
    auto module = fresh();
    EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-1")) << variant.size();
    EXPECT_EQ(module->lazy->compiledCount(), 0u);
  }
}

TEST_F(CodeCacheTest, ABodyOfAnotherTypeOrIndexIsRefused) {
  std::ifstream in(path_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // After magic (8), key length + "key-1" padded (4 + 8) and the count (4):
  // the first body's defined index, then its type index.
  for (size_t field : {size_t(24), size_t(28)}) {
    std::string changed = bytes;
    changed[field] = 9;
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << changed;
    auto module = fresh();
    EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-1")) << field;
    EXPECT_EQ(module->lazy->compiledCount(), 0u);
  }
}

TEST_F(CodeCacheTest, AFileOthersMayWriteIsNotTrusted) {
  ASSERT_EQ(chmod(path_.c_str(), 0620), 0);
  auto module = fresh();
  EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-1"));
  ASSERT_EQ(chmod(path_.c_str(), 0600), 0);
  ASSERT_EQ(chmod(dir_->path().c_str(), 0777), 0);
  EXPECT_FALSE(loadCompiledBodies(path_, *module, "key-1"));
  ASSERT_EQ(chmod(dir_->path().c_str(), 0700), 0);
  EXPECT_TRUE(loadCompiledBodies(path_, *module, "key-1"));
}

TEST(RelocatableCode, UnrelocateThenRelocateGivesTheThreadedCodeBack) {
  Engine engine;
  auto module = compileModule(engine, kModule).value();
  for (const CompiledFunction& fn : module->code) {
    ASSERT_TRUE(fn.threaded);
    std::vector<uint32_t> code = fn.code;
    std::vector<uint32_t> positions = unrelocateCode(code, interpreterHandlers());
    EXPECT_FALSE(positions.empty());
    EXPECT_NE(code, fn.code);
    for (uint32_t at : positions) EXPECT_LT(code[at], interpreterHandlers().size());
    ASSERT_TRUE(relocateCode(code, positions, interpreterHandlers()));
    EXPECT_EQ(code, fn.code);
  }
  std::vector<uint32_t> bad = {uint32_t(interpreterHandlers().size()), 0};
  EXPECT_FALSE(relocateCode(bad, std::vector<uint32_t>{0}, interpreterHandlers()));
  EXPECT_FALSE(relocateCode(bad, std::vector<uint32_t>{1}, interpreterHandlers()));
}

TEST(CodeLayoutKey, IsThisBinarysBuildId) {
  // The build links with a GNU build ID; without one nothing would be cached.
  EXPECT_EQ(codeLayoutKey().size(), 40u) << codeLayoutKey();
}

}  // namespace
}  // namespace warden
