// Module-level validation tests on small hand-made binaries.
#include "runtime/validator.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace warden {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Payloads here stay below 128 bytes, so sizes are one LEB byte.
Bytes section(uint8_t id, const Bytes& payload) { return cat({{id, uint8_t(payload.size())}, payload}); }

Bytes moduleOf(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes name(const std::string& s) { return cat({{uint8_t(s.size())}, Bytes(s.begin(), s.end())}); }

const Bytes kTypes = section(1, {0x02, 0x60, 0x00, 0x00,           // 0: () -> ()
                                 0x60, 0x01, 0x7F, 0x01, 0x7F});   // 1: (i32) -> (i32)
const Bytes kOneFunc = section(3, {0x01, 0x00});
const Bytes kOneBody = section(10, {0x01, 0x02, 0x00, 0x0B});

Expect<Module> load(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  if (!m) return m;
  WARDEN_TRY(validateAndCompile(*m));
  return m;
}

ErrorCode invalidCode(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message());
  if (!m) return ErrorCode::HostError;
  auto v = validateAndCompile(*m);
  EXPECT_FALSE(v.has_value());
  return v ? ErrorCode::HostError : v.error().code();
}

void expectValid(const Bytes& bytes) {
  auto m = load(bytes);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message());
}

TEST(ValidatorTest, CompilesEachDefinedFunction) {
  Bytes body1 = {0x00, 0x20, 0x00, 0x0B};  // local.get 0; end
  auto m = load(moduleOf({kTypes, section(3, {0x02, 0x00, 0x01}),
                          section(10, cat({{0x02, 0x02, 0x00, 0x0B, uint8_t(body1.size())}, body1}))}));
  ASSERT_TRUE(m.has_value()) << m.error().message();
  ASSERT_EQ(m->code.size(), 2u);
  EXPECT_EQ(m->code[1].type_index, 1u);
  EXPECT_EQ(m->code[1].num_params, 1u);
}

TEST(ValidatorTest, FunctionCompilerErrorNamesTheFunction) {
  Bytes bad = {0x00, 0x41, 0x00, 0x0B};  // leaves an i32 in a () -> () function
  auto m = decodeModule(moduleOf({kTypes, kOneFunc, section(10, cat({{0x01, uint8_t(bad.size())}, bad}))}));
  ASSERT_TRUE(m.has_value());
  auto v = validateAndCompile(*m);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::TypeMismatch);
  EXPECT_NE(v.error().detail().find("function"), std::string::npos) << v.error().detail();
}

TEST(ValidatorTest, TypeIndices) {
  EXPECT_EQ(invalidCode(moduleOf({kTypes, section(3, {0x01, 0x02}), kOneBody})), ErrorCode::UnknownType);
  EXPECT_EQ(invalidCode(moduleOf({kTypes, section(2, cat({{0x01}, name("m"), name("f"), {0x00, 0x05}}))})),
            ErrorCode::UnknownType);
}

TEST(ValidatorTest, MemoryLimits) {
  expectValid(moduleOf({section(5, {0x01, 0x01, 0x00, 0x80, 0x80, 0x04})}));  // max 65536 pages
  EXPECT_EQ(invalidCode(moduleOf({section(5, {0x01, 0x00, 0x81, 0x80, 0x04})})), ErrorCode::MemorySizeTooLarge);
  EXPECT_EQ(invalidCode(moduleOf({section(5, {0x01, 0x01, 0x00, 0x81, 0x80, 0x04})})),
            ErrorCode::MemorySizeTooLarge);
  EXPECT_EQ(invalidCode(moduleOf({section(5, {0x01, 0x01, 0x02, 0x01})})), ErrorCode::SizeMinimumGreaterThanMaximum);
  EXPECT_EQ(invalidCode(moduleOf({section(5, {0x02, 0x00, 0x00, 0x00, 0x00})})), ErrorCode::MultipleMemories);
  EXPECT_EQ(invalidCode(moduleOf({section(2, cat({{0x01}, name("m"), name("mem"), {0x02, 0x00, 0x00}})),
                                  section(5, {0x01, 0x00, 0x00})})),
            ErrorCode::MultipleMemories);
}

TEST(ValidatorTest, TableLimits) {
  expectValid(moduleOf({section(4, {0x01, 0x70, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F})}));
  EXPECT_EQ(invalidCode(moduleOf({section(4, {0x01, 0x70, 0x01, 0x03, 0x02})})),
            ErrorCode::SizeMinimumGreaterThanMaximum);
}

Bytes importGlobal(uint8_t type, uint8_t mut) {
  return section(2, cat({{0x01}, name("m"), name("g"), {0x03, type, mut}}));
}

TEST(ValidatorTest, GlobalInitialisers) {
  expectValid(moduleOf({section(6, {0x01, 0x7F, 0x00, 0x41, 0x05, 0x0B})}));
  EXPECT_EQ(invalidCode(moduleOf({section(6, {0x01, 0x7F, 0x00, 0x42, 0x05, 0x0B})})), ErrorCode::TypeMismatch);
  EXPECT_EQ(invalidCode(moduleOf({section(6, {0x01, 0x70, 0x00, 0xD0, 0x6F, 0x0B})})), ErrorCode::TypeMismatch);
  // global.get of an immutable import is constant.
  expectValid(moduleOf({importGlobal(0x7F, 0x00), section(6, {0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B})}));
  // ... of a mutable import is not.
  EXPECT_EQ(invalidCode(moduleOf({importGlobal(0x7F, 0x01), section(6, {0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B})})),
            ErrorCode::ConstantExpressionRequired);
  // ... of a defined global is unknown in Wasm 2.0.
  EXPECT_EQ(invalidCode(moduleOf({section(6, {0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x23, 0x00, 0x0B})})),
            ErrorCode::UnknownGlobal);
  EXPECT_EQ(invalidCode(moduleOf({importGlobal(0x7E, 0x00), section(6, {0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B})})),
            ErrorCode::TypeMismatch);
  // ref.func must name an existing function.
  EXPECT_EQ(invalidCode(moduleOf({section(6, {0x01, 0x70, 0x00, 0xD2, 0x00, 0x0B})})), ErrorCode::UnknownFunction);
}

TEST(ValidatorTest, Exports) {
  expectValid(moduleOf({kTypes, kOneFunc, section(7, cat({{0x02}, name("a"), {0x00, 0x00}, name("b"), {0x00, 0x00}})),
                        kOneBody}));
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc,
                                  section(7, cat({{0x02}, name("a"), {0x00, 0x00}, name("a"), {0x00, 0x00}})),
                                  kOneBody})),
            ErrorCode::DuplicateExportName);
  EXPECT_EQ(invalidCode(moduleOf({section(7, cat({{0x01}, name("f"), {0x00, 0x00}}))})), ErrorCode::UnknownFunction);
  EXPECT_EQ(invalidCode(moduleOf({section(7, cat({{0x01}, name("t"), {0x01, 0x00}}))})), ErrorCode::UnknownTable);
  EXPECT_EQ(invalidCode(moduleOf({section(7, cat({{0x01}, name("m"), {0x02, 0x00}}))})), ErrorCode::UnknownMemory);
  EXPECT_EQ(invalidCode(moduleOf({section(7, cat({{0x01}, name("g"), {0x03, 0x00}}))})), ErrorCode::UnknownGlobal);
}

TEST(ValidatorTest, StartFunction) {
  expectValid(moduleOf({kTypes, kOneFunc, section(8, {0x00}), kOneBody}));
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc, section(8, {0x01}), kOneBody})), ErrorCode::UnknownFunction);
  Bytes body = {0x00, 0x20, 0x00, 0x0B};
  EXPECT_EQ(invalidCode(moduleOf({kTypes, section(3, {0x01, 0x01}), section(8, {0x00}),
                                  section(10, cat({{0x01, uint8_t(body.size())}, body}))})),
            ErrorCode::StartFunctionType);
}

const Bytes kFuncTable = section(4, {0x01, 0x70, 0x00, 0x01});
const Bytes kExternTable = section(4, {0x01, 0x6F, 0x00, 0x01});

TEST(ValidatorTest, ElementSegments) {
  expectValid(moduleOf({kTypes, kOneFunc, kFuncTable, section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00}),
                        kOneBody}));
  // No table.
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc, section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00}),
                                  kOneBody})),
            ErrorCode::UnknownTable);
  // funcref segment into an externref table.
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc, kExternTable,
                                  section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00}), kOneBody})),
            ErrorCode::TypeMismatch);
  // Offset must be i32.
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc, kFuncTable,
                                  section(9, {0x01, 0x00, 0x42, 0x00, 0x0B, 0x01, 0x00}), kOneBody})),
            ErrorCode::TypeMismatch);
  // Unknown function index in the items.
  EXPECT_EQ(invalidCode(moduleOf({kTypes, kOneFunc, kFuncTable,
                                  section(9, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x07}), kOneBody})),
            ErrorCode::UnknownFunction);
  // An externref item in a funcref segment (passive, form 5).
  EXPECT_EQ(invalidCode(moduleOf({section(9, {0x01, 0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B})})), ErrorCode::TypeMismatch);
  // Passive and declarative segments need no table.
  expectValid(moduleOf({kTypes, kOneFunc, section(9, {0x02, 0x01, 0x00, 0x01, 0x00, 0x03, 0x00, 0x01, 0x00}),
                        kOneBody}));
}

TEST(ValidatorTest, DataSegments) {
  const Bytes memory = section(5, {0x01, 0x00, 0x01});
  expectValid(moduleOf({memory, section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 'x'})}));
  EXPECT_EQ(invalidCode(moduleOf({section(11, {0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 'x'})})), ErrorCode::UnknownMemory);
  EXPECT_EQ(invalidCode(moduleOf({memory, section(11, {0x01, 0x02, 0x01, 0x41, 0x00, 0x0B, 0x00})})),
            ErrorCode::UnknownMemory);
  EXPECT_EQ(invalidCode(moduleOf({memory, section(11, {0x01, 0x00, 0x43, 0, 0, 0, 0, 0x0B, 0x00})})),
            ErrorCode::TypeMismatch);
  // Passive data needs no memory.
  expectValid(moduleOf({section(11, {0x01, 0x01, 0x01, 'x'})}));
}

TEST(ValidatorTest, RefFuncInBodyNeedsDeclaration) {
  // ref.func 0 in a body is valid only once function 0 is declared (here by
  // an export); the function compiler is told through declared_refs.
  const Bytes types = section(1, {0x01, 0x60, 0x00, 0x01, 0x70});  // () -> funcref
  Bytes body = {0x00, 0xD2, 0x00, 0x0B};
  const Bytes code = section(10, cat({{0x01, uint8_t(body.size())}, body}));
  expectValid(moduleOf({types, kOneFunc, section(7, cat({{0x01}, name("f"), {0x00, 0x00}})), code}));
  auto m = decodeModule(moduleOf({types, kOneFunc, code}));
  ASSERT_TRUE(m.has_value());
  auto v = validateAndCompile(*m);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code(), ErrorCode::UndeclaredFunctionReference);
}

}  // namespace
}  // namespace warden
