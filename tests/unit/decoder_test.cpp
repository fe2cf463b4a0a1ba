// Decoder tests on small hand-made binaries.
#include "runtime/decoder.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "runtime/binary_reader.h"
#include "runtime/decoder_utf8.h"

namespace warden {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes section(uint8_t id, const Bytes& payload) { return cat({{id}, leb(payload.size()), payload}); }

Bytes moduleOf(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

Bytes name(const std::string& s) { return cat({leb(s.size()), Bytes(s.begin(), s.end())}); }

// type 0: () -> ()
const Bytes kVoidType = section(1, {0x01, 0x60, 0x00, 0x00});
// one function of type 0
const Bytes kOneFunc = section(3, {0x01, 0x00});
// one body: no locals, `end`
const Bytes kOneBody = section(10, {0x01, 0x02, 0x00, 0x0B});

ErrorCode codeOf(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  EXPECT_FALSE(m.has_value());
  return m ? ErrorCode::HostError : m.error().code();
}

Module decodeOk(const Bytes& bytes) {
  auto m = decodeModule(bytes);
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message());
  return m ? std::move(*m) : Module{};
}

// --- header -----------------------------------------------------------------

TEST(DecoderTest, MinimalModule) {
  Module m = decodeOk(moduleOf({}));
  EXPECT_EQ(m.bytes.size(), 8u);
  EXPECT_TRUE(m.types.empty());
  EXPECT_TRUE(m.sections.empty());
}

TEST(DecoderTest, HeaderErrors) {
  EXPECT_EQ(codeOf({}), ErrorCode::UnexpectedEnd);
  EXPECT_EQ(codeOf({0x01}), ErrorCode::UnexpectedEnd);
  EXPECT_EQ(codeOf({0x00, 0x61, 0x73}), ErrorCode::UnexpectedEnd);
  EXPECT_EQ(codeOf({0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}), ErrorCode::MagicMismatch);
  EXPECT_EQ(codeOf({0x00, 0x61, 0x73, 0x6D, 0x01}), ErrorCode::UnexpectedEnd);
  EXPECT_EQ(codeOf({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}), ErrorCode::VersionMismatch);
}

// --- sections ---------------------------------------------------------------

TEST(DecoderTest, TypeSection) {
  Module m = decodeOk(moduleOf({section(1, {0x02, 0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D, 0x60, 0x00, 0x02, 0x70, 0x6F})}));
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0].params, (std::vector<ValType>{ValType::I32, ValType::I64}));
  EXPECT_EQ(m.types[0].results, (std::vector<ValType>{ValType::F32}));
  EXPECT_EQ(m.types[1].results, (std::vector<ValType>{ValType::FuncRef, ValType::ExternRef}));
  ASSERT_EQ(m.sections.size(), 1u);
  EXPECT_EQ(m.sections[0].id, 1);
  EXPECT_EQ(m.sections[0].offset, 10u);
  EXPECT_EQ(m.sections[0].size, 12u);
}

TEST(DecoderTest, TypeSectionErrors) {
  EXPECT_EQ(codeOf(moduleOf({section(1, {0x01, 0x61, 0x00, 0x00})})), ErrorCode::MalformedFuncType);
  EXPECT_EQ(codeOf(moduleOf({section(1, {0x01, 0x60, 0x01, 0x40, 0x00})})), ErrorCode::MalformedValType);
  // Two types declared, one given.
  EXPECT_EQ(codeOf(moduleOf({section(1, {0x02, 0x60, 0x00, 0x00})})), ErrorCode::UnexpectedEnd);
  // One type declared, two given.
  EXPECT_EQ(codeOf(moduleOf({section(1, {0x01, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00})})),
            ErrorCode::SectionSizeMismatch);
}

TEST(DecoderTest, HostileCountIsRejectedBeforeAllocating) {
  // 2^32-1 types declared in a 6-byte section.
  EXPECT_EQ(codeOf(moduleOf({section(1, cat({leb(0xFFFFFFFF), {0x60, 0x00, 0x00}}))})),
            ErrorCode::ImplementationLimit);
  DecodeLimits big;
  big.max_types = UINT32_MAX;
  auto m = decodeModule(moduleOf({section(1, cat({leb(0xFFFFFFFF), {0x60, 0x00, 0x00}}))}), big);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::UnexpectedEnd);
}

TEST(DecoderTest, ImportSection) {
  Bytes imports = cat({{0x04},
                       name("env"), name("f"), {0x00, 0x00},
                       name("env"), name("t"), {0x01, 0x70, 0x01, 0x01, 0x05},
                       name("env"), name("m"), {0x02, 0x00, 0x02},
                       name("env"), name("g"), {0x03, 0x7F, 0x01}});
  Module m = decodeOk(moduleOf({kVoidType, section(2, imports)}));
  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.imports[1].table.elem, ValType::FuncRef);
  EXPECT_EQ(m.imports[1].table.limits.min, 1u);
  EXPECT_EQ(m.imports[1].table.limits.max, 5u);
  EXPECT_EQ(m.imports[2].memory.limits.min, 2u);
  EXPECT_FALSE(m.imports[2].memory.limits.max.has_value());
  EXPECT_EQ(m.imports[3].global.type, ValType::I32);
  EXPECT_TRUE(m.imports[3].global.mutable_);
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);
}

TEST(DecoderTest, ImportErrors) {
  EXPECT_EQ(codeOf(moduleOf({section(2, cat({{0x01}, name("a"), name("b"), {0x04, 0x00}}))})),
            ErrorCode::MalformedImportKind);
  EXPECT_EQ(codeOf(moduleOf({section(2, cat({{0x01}, name("a"), name("b"), {0x03, 0x7F, 0x02}}))})),
            ErrorCode::MalformedMutability);
  EXPECT_EQ(codeOf(moduleOf({section(2, cat({{0x01}, name("a"), name("b"), {0x01, 0x7F, 0x00, 0x00}}))})),
            ErrorCode::MalformedRefType);
}

TEST(DecoderTest, LimitsFlags) {
  // Flags 2 and 3 (shared) are the threads proposal's: malformed without it,
  // and never for a table.
  DecodeLimits wasm2;
  wasm2.threads = false;
  EXPECT_EQ(decodeModule(moduleOf({section(5, {0x01, 0x02, 0x00})}), wasm2).error().code(), ErrorCode::MalformedLimits);
  EXPECT_EQ(decodeModule(moduleOf({section(5, {0x01, 0x03, 0x00, 0x01})}), wasm2).error().code(),
            ErrorCode::MalformedLimits);
  EXPECT_EQ(codeOf(moduleOf({section(4, {0x01, 0x70, 0x03, 0x00, 0x01})})), ErrorCode::MalformedLimits);
  EXPECT_EQ(codeOf(moduleOf({section(5, {0x01, 0x04, 0x00})})), ErrorCode::MalformedLimits);
  Module shared = decodeOk(moduleOf({section(5, {0x01, 0x03, 0x01, 0x02})}));
  EXPECT_TRUE(shared.memories[0].limits.shared);
  EXPECT_EQ(shared.memories[0].limits.max, 2u);
  Module unshared_min_only = decodeOk(moduleOf({section(5, {0x01, 0x02, 0x01})}));  // invalid later: no maximum
  EXPECT_TRUE(unshared_min_only.memories[0].limits.shared);
  EXPECT_FALSE(unshared_min_only.memories[0].limits.max);
  EXPECT_EQ(codeOf(moduleOf({section(5, {0x01, 0x81, 0x00, 0x00})})), ErrorCode::IntegerTooLong);
  Module m = decodeOk(moduleOf({section(4, {0x01, 0x6F, 0x01, 0x00, 0x0A}), section(5, {0x01, 0x01, 0x01, 0x02})}));
  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0].elem, ValType::ExternRef);
  EXPECT_EQ(m.tables[0].limits.max, 10u);
  ASSERT_EQ(m.memories.size(), 1u);
  EXPECT_EQ(m.memories[0].limits.min, 1u);
  EXPECT_EQ(m.memories[0].limits.max, 2u);
}

TEST(DecoderTest, FunctionAndCodeSections) {
  // Type (i32) -> (); body declares 2 i64 and 1 f32 locals, then `nop end`.
  Bytes body = {0x02, 0x02, 0x7E, 0x01, 0x7D, 0x01, 0x0B};
  Module m = decodeOk(moduleOf({section(1, {0x01, 0x60, 0x01, 0x7F, 0x00}), kOneFunc,
                                section(10, cat({{0x01}, leb(body.size()), body}))}));
  ASSERT_EQ(m.functions.size(), 1u);
  ASSERT_EQ(m.bodies.size(), 1u);
  EXPECT_EQ(m.bodies[0].num_locals, 3u);
  std::vector<ValType> locals;
  ASSERT_TRUE(appendDeclaredLocals(m, m.bodies[0], locals));
  EXPECT_EQ(locals, (std::vector<ValType>{ValType::I64, ValType::I64, ValType::F32}));
  EXPECT_EQ(m.bodies[0].body_size, 2u);
  EXPECT_EQ(m.bytes[m.bodies[0].body_offset], 0x01);  // nop
  EXPECT_EQ(m.bytes[m.bodies[0].body_offset + 1], 0x0B);
}

TEST(DecoderTest, FunctionCodeMismatch) {
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc})), ErrorCode::FuncCodeMismatch);
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneBody})), ErrorCode::FuncCodeMismatch);
  EXPECT_EQ(codeOf(moduleOf({kVoidType, section(3, {0x02, 0x00, 0x00}), kOneBody})), ErrorCode::FuncCodeMismatch);
}

TEST(DecoderTest, BodyMustEndWithEnd) {
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc, section(10, {0x01, 0x02, 0x00, 0x01})})),
            ErrorCode::EndOpcodeExpected);
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc, section(10, {0x01, 0x01, 0x00})})), ErrorCode::UnexpectedEnd);
  // Body size larger than the section.
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc, section(10, {0x01, 0x09, 0x00, 0x0B})})),
            ErrorCode::UnexpectedEnd);
}

TEST(DecoderTest, TooManyLocalsCheckedBeforeExpanding) {
  // Two groups of 2^32-1 locals: must fail without allocating.
  Bytes body = cat({{0x02}, leb(0xFFFFFFFF), {0x7F}, leb(0xFFFFFFFF), {0x7F}, {0x0B}});
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc, section(10, cat({{0x01}, leb(body.size()), body}))})),
            ErrorCode::TooManyLocals);
  // The limit counts parameters too.
  DecodeLimits limits;
  limits.max_locals = 3;
  Bytes body2 = {0x01, 0x02, 0x7F, 0x0B};
  Bytes bin = moduleOf({section(1, {0x01, 0x60, 0x02, 0x7F, 0x7F, 0x00}), kOneFunc,
                        section(10, cat({{0x01}, leb(body2.size()), body2}))});
  auto m = decodeModule(bin, limits);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code(), ErrorCode::TooManyLocals);
  limits.max_locals = 4;
  EXPECT_TRUE(decodeModule(bin, limits).has_value());
}

TEST(DecoderTest, GlobalSectionConstExprs) {
  Bytes globals = {0x06,
                   0x7F, 0x00, 0x41, 0x7F, 0x0B,                    // i32 -1
                   0x7E, 0x01, 0x42, 0x80, 0x01, 0x0B,              // mut i64 128
                   0x7D, 0x00, 0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B,  // f32 1.0
                   0x7C, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B,  // f64 1.0
                   0x70, 0x00, 0xD0, 0x70, 0x0B,                    // ref.null func
                   0x70, 0x00, 0xD2, 0x00, 0x0B};                   // ref.func 0
  Module m = decodeOk(moduleOf({kVoidType, kOneFunc, section(6, globals), kOneBody}));
  ASSERT_EQ(m.globals.size(), 6u);
  EXPECT_EQ(m.globals[0].init.kind, ConstExpr::Kind::I32Const);
  EXPECT_EQ(uint32_t(m.globals[0].init.bits), 0xFFFFFFFFu);
  EXPECT_TRUE(m.globals[1].type.mutable_);
  EXPECT_EQ(m.globals[1].init.bits, 128u);
  EXPECT_EQ(m.globals[2].init.bits, 0x3F800000u);
  EXPECT_EQ(m.globals[3].init.bits, 0x3FF0000000000000u);
  EXPECT_EQ(m.globals[4].init.kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.globals[4].init.ref_type, ValType::FuncRef);
  EXPECT_EQ(m.globals[5].init.kind, ConstExpr::Kind::RefFunc);
  EXPECT_GT(m.globals[5].init.offset, 0u);
}

TEST(DecoderTest, V128ConstIsDecodable) {
  Bytes g = cat({{0x01, 0x7B, 0x00, 0xFD}, leb(12), Bytes(16, 0xAB), {0x0B}});
  Module m = decodeOk(moduleOf({section(6, g)}));
  EXPECT_EQ(m.globals[0].init.kind, ConstExpr::Kind::V128Const);
  EXPECT_EQ(m.globals[0].init.bits_hi, 0xABABABABABABABABu);
}

TEST(DecoderTest, ConstExprRejections) {
  auto global = [](Bytes expr) { return moduleOf({section(6, cat({{0x01, 0x7F, 0x00}, expr}))}); };
  EXPECT_EQ(codeOf(global({0x0B})), ErrorCode::TypeMismatch);                          // empty
  EXPECT_EQ(codeOf(global({0x41, 0x00, 0x41, 0x00, 0x0B})), ErrorCode::TypeMismatch);  // two values
  EXPECT_EQ(codeOf(global({0x41, 0x00, 0x41, 0x01, 0x6A, 0x0B})), ErrorCode::ConstantExpressionRequired);
  EXPECT_EQ(codeOf(global({0x01, 0x0B})), ErrorCode::ConstantExpressionRequired);  // nop
  EXPECT_EQ(codeOf(global({0x41, 0x00, 0x68, 0x0B})), ErrorCode::ConstantExpressionRequired);
  EXPECT_EQ(codeOf(global({0xF3, 0x0B})), ErrorCode::IllegalOpcode);
  EXPECT_EQ(codeOf(global({0x41, 0x00})), ErrorCode::UnexpectedEnd);
}

TEST(DecoderTest, ExportAndStartSections) {
  Bytes exports = cat({{0x02}, name("run"), {0x00, 0x00}, name("mem"), {0x02, 0x00}});
  Module m = decodeOk(moduleOf({kVoidType, kOneFunc, section(5, {0x01, 0x00, 0x01}), section(7, exports),
                                section(8, {0x00}), kOneBody}));
  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(m.exports[0].name, "run");
  EXPECT_EQ(m.exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(m.start, 0u);
  EXPECT_EQ(codeOf(moduleOf({section(7, cat({{0x01}, name("x"), {0x04, 0x00}}))})), ErrorCode::MalformedExportKind);
}

TEST(DecoderTest, ElementSegmentAllForms) {
  Bytes elems = {0x08,
                 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,                    // 0: active table 0, func idx
                 0x01, 0x00, 0x01, 0x00,                                // 1: passive, elemkind, func idx
                 0x02, 0x01, 0x41, 0x02, 0x0B, 0x00, 0x01, 0x00,        // 2: active table 1
                 0x03, 0x00, 0x01, 0x00,                                // 3: declarative
                 0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B,        // 4: active table 0, exprs
                 0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,                    // 5: passive externref exprs
                 0x06, 0x01, 0x41, 0x00, 0x0B, 0x70, 0x01, 0xD0, 0x70, 0x0B,  // 6: active table 1, exprs
                 0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B};                   // 7: declarative exprs
  Module m = decodeOk(moduleOf({kVoidType, kOneFunc, section(4, {0x02, 0x70, 0x00, 0x01, 0x70, 0x00, 0x01}),
                                section(9, elems), kOneBody}));
  ASSERT_EQ(m.elems.size(), 8u);
  EXPECT_EQ(m.elems[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[0].items[0].kind, ConstExpr::Kind::RefFunc);
  EXPECT_EQ(m.elems[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elems[2].table, 1u);
  EXPECT_EQ(m.elems[2].offset.bits, 2u);
  EXPECT_EQ(m.elems[3].mode, SegmentMode::Declarative);
  EXPECT_EQ(m.elems[4].type, ValType::FuncRef);
  EXPECT_EQ(m.elems[5].type, ValType::ExternRef);
  EXPECT_EQ(m.elems[5].items[0].kind, ConstExpr::Kind::RefNull);
  EXPECT_EQ(m.elems[6].table, 1u);
  EXPECT_EQ(m.elems[7].mode, SegmentMode::Declarative);
}

TEST(DecoderTest, ElementSegmentErrors) {
  EXPECT_EQ(codeOf(moduleOf({section(9, {0x01, 0x08, 0x00})})), ErrorCode::MalformedSegmentFlags);
  EXPECT_EQ(codeOf(moduleOf({section(9, {0x01, 0x01, 0x01, 0x00})})), ErrorCode::MalformedElemKind);
  EXPECT_EQ(codeOf(moduleOf({section(9, {0x01, 0x05, 0x7F, 0x00})})), ErrorCode::MalformedRefType);
}

TEST(DecoderTest, DataSegmentsAndDataCount) {
  Bytes datas = {0x03,
                 0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i',        // active memory 0
                 0x01, 0x01, 'x',                                // passive
                 0x02, 0x00, 0x41, 0x00, 0x0B, 0x00};            // active, explicit memory
  Module m = decodeOk(moduleOf({section(5, {0x01, 0x00, 0x01}), section(12, {0x03}), section(11, datas)}));
  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.data_count, 3u);
  EXPECT_EQ(m.datas[0].offset.bits, 8u);
  EXPECT_EQ(m.datas[0].bytes_size, 2u);
  EXPECT_EQ(m.bytes[m.datas[0].bytes_offset], 'h');
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.datas[2].bytes_size, 0u);

  EXPECT_EQ(codeOf(moduleOf({section(12, {0x02}), section(11, {0x01, 0x01, 0x00})})), ErrorCode::DataCountMismatch);
  EXPECT_EQ(codeOf(moduleOf({section(12, {0x01})})), ErrorCode::DataCountMismatch);
  EXPECT_TRUE(decodeModule(moduleOf({section(12, {0x00})})).has_value());
  EXPECT_EQ(codeOf(moduleOf({section(11, {0x01, 0x03, 0x00})})), ErrorCode::MalformedSegmentFlags);
  // Data bytes past the section's end.
  EXPECT_EQ(codeOf(moduleOf({section(11, {0x01, 0x01, 0x05, 'a'})})), ErrorCode::UnexpectedEnd);
}

TEST(DecoderTest, CustomSections) {
  Bytes custom = cat({name("name"), {0xDE, 0xAD}});
  Module m = decodeOk(moduleOf({section(0, custom), kVoidType, section(0, name("x"))}));
  ASSERT_EQ(m.customs.size(), 2u);
  EXPECT_EQ(m.customs[0].name, "name");
  EXPECT_EQ(m.customs[0].size, 2u);
  EXPECT_EQ(m.bytes[m.customs[0].offset], 0xDE);
  EXPECT_EQ(m.customs[1].size, 0u);
  EXPECT_EQ(m.sections.size(), 3u);

  EXPECT_EQ(codeOf(moduleOf({section(0, {})})), ErrorCode::UnexpectedEnd);
  EXPECT_EQ(codeOf(moduleOf({section(0, {0x02, 0xC0, 0x80})})), ErrorCode::MalformedUtf8);
  // Name longer than the section.
  EXPECT_EQ(codeOf(moduleOf({section(0, {0x05, 'a'})})), ErrorCode::LengthOutOfBounds);
}

TEST(DecoderTest, SectionOrder) {
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kVoidType})), ErrorCode::UnexpectedContentAfterEnd);
  EXPECT_EQ(codeOf(moduleOf({kOneFunc, kVoidType})), ErrorCode::UnexpectedContentAfterEnd);
  // Data count goes after element and before code.
  EXPECT_TRUE(decodeModule(moduleOf({kVoidType, kOneFunc, section(9, {0x00}), section(12, {0x00}), kOneBody}))
                  .has_value());
  EXPECT_EQ(codeOf(moduleOf({kVoidType, kOneFunc, kOneBody, section(12, {0x00})})),
            ErrorCode::UnexpectedContentAfterEnd);
  EXPECT_EQ(codeOf(moduleOf({section(13, {})})), ErrorCode::MalformedSectionId);
}

TEST(DecoderTest, SectionFraming) {
  // Declared size larger than what is left.
  EXPECT_EQ(codeOf(cat({moduleOf({}), {0x01, 0x10, 0x00}})), ErrorCode::LengthOutOfBounds);
  // Contents shorter than the declared size.
  EXPECT_EQ(codeOf(moduleOf({section(1, {0x00, 0x00})})), ErrorCode::SectionSizeMismatch);
  // A truncated section header at the end.
  EXPECT_EQ(codeOf(cat({moduleOf({}), {0x01}})), ErrorCode::UnexpectedEnd);
  // Section size written with too many bytes.
  EXPECT_EQ(codeOf(cat({moduleOf({}), {0x00, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}})), ErrorCode::IntegerTooLong);
}

TEST(DecoderTest, ErrorDetailNamesSectionAndOffset) {
  auto m = decodeModule(moduleOf({kVoidType, kOneFunc, section(10, {0x01, 0x02, 0x00, 0x01})}));
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().detail().find("code section"), std::string::npos) << m.error().detail();
  EXPECT_NE(m.error().detail().find("function 0"), std::string::npos) << m.error().detail();
  EXPECT_NE(m.error().detail().find("0x"), std::string::npos) << m.error().detail();
}

// --- LEB128 -----------------------------------------------------------------

template <typename F>
auto readFrom(Bytes bytes, F read) {
  BinaryReader r(bytes);
  return read(r);
}

TEST(BinaryReaderTest, UnsignedLeb) {
  auto u32 = [](BinaryReader& r) { return r.u32(); };
  EXPECT_EQ(*readFrom({0x00}, u32), 0u);
  EXPECT_EQ(*readFrom({0xE5, 0x8E, 0x26}, u32), 624485u);
  EXPECT_EQ(*readFrom({0x80, 0x80, 0x80, 0x80, 0x00}, u32), 0u);  // padded, 5 bytes: allowed
  EXPECT_EQ(*readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, u32), 0xFFFFFFFFu);
  EXPECT_EQ(readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0x1F}, u32).error().code(), ErrorCode::IntegerTooLarge);
  EXPECT_EQ(readFrom({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, u32).error().code(), ErrorCode::IntegerTooLong);
  EXPECT_EQ(readFrom({0x80, 0x80}, u32).error().code(), ErrorCode::UnexpectedEnd);
  auto u64 = [](BinaryReader& r) { return r.u64(); };
  EXPECT_EQ(*readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, u64), UINT64_MAX);
  EXPECT_EQ(readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, u64).error().code(),
            ErrorCode::IntegerTooLarge);
}

TEST(BinaryReaderTest, SignedLeb) {
  auto s32 = [](BinaryReader& r) { return r.s32(); };
  EXPECT_EQ(*readFrom({0x7F}, s32), -1);
  EXPECT_EQ(*readFrom({0x80, 0x7F}, s32), -128);
  EXPECT_EQ(*readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, s32), -1);  // padded negative
  EXPECT_EQ(*readFrom({0x80, 0x80, 0x80, 0x80, 0x78}, s32), INT32_MIN);
  EXPECT_EQ(*readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0x07}, s32), INT32_MAX);
  // Unused bits must match the sign bit.
  EXPECT_EQ(readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0x4F}, s32).error().code(), ErrorCode::IntegerTooLarge);
  EXPECT_EQ(readFrom({0x80, 0x80, 0x80, 0x80, 0x70}, s32).error().code(), ErrorCode::IntegerTooLarge);
  EXPECT_EQ(readFrom({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, s32).error().code(), ErrorCode::IntegerTooLong);
  auto s64 = [](BinaryReader& r) { return r.s64(); };
  EXPECT_EQ(*readFrom({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F}, s64), INT64_MIN);
  EXPECT_EQ(readFrom({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E}, s64).error().code(),
            ErrorCode::IntegerTooLarge);
}

// --- UTF-8 ------------------------------------------------------------------

bool utf8(Bytes b) { return isValidUtf8(b); }

TEST(Utf8Test, AcceptsWellFormed) {
  EXPECT_TRUE(utf8({}));
  EXPECT_TRUE(utf8({'a', 'b', 0x00, 0x7F}));
  EXPECT_TRUE(utf8({0xC2, 0x80}));              // U+0080
  EXPECT_TRUE(utf8({0xDF, 0xBF}));              // U+07FF
  EXPECT_TRUE(utf8({0xE0, 0xA0, 0x80}));        // U+0800
  EXPECT_TRUE(utf8({0xED, 0x9F, 0xBF}));        // U+D7FF
  EXPECT_TRUE(utf8({0xEE, 0x80, 0x80}));        // U+E000
  EXPECT_TRUE(utf8({0xEF, 0xBF, 0xBF}));        // U+FFFF
  EXPECT_TRUE(utf8({0xF0, 0x90, 0x80, 0x80}));  // U+10000
  EXPECT_TRUE(utf8({0xF4, 0x8F, 0xBF, 0xBF}));  // U+10FFFF
}

TEST(Utf8Test, RejectsMalformed) {
  EXPECT_FALSE(utf8({0x80}));                    // lone continuation
  EXPECT_FALSE(utf8({0xC0, 0x80}));              // overlong NUL
  EXPECT_FALSE(utf8({0xC1, 0xBF}));              // overlong
  EXPECT_FALSE(utf8({0xE0, 0x9F, 0xBF}));        // overlong 3-byte
  EXPECT_FALSE(utf8({0xF0, 0x8F, 0xBF, 0xBF}));  // overlong 4-byte
  EXPECT_FALSE(utf8({0xED, 0xA0, 0x80}));        // U+D800 surrogate
  EXPECT_FALSE(utf8({0xED, 0xBF, 0xBF}));        // U+DFFF surrogate
  EXPECT_FALSE(utf8({0xF4, 0x90, 0x80, 0x80}));  // U+110000
  EXPECT_FALSE(utf8({0xF5, 0x80, 0x80, 0x80}));
  EXPECT_FALSE(utf8({0xFF}));
  EXPECT_FALSE(utf8({0xC2}));                    // truncated
  EXPECT_FALSE(utf8({0xE1, 0x80}));              // truncated
  EXPECT_FALSE(utf8({0xF1, 0x80, 0x80}));        // truncated
  EXPECT_FALSE(utf8({0xE1, 0x80, 0x41}));        // bad continuation
  EXPECT_FALSE(utf8({0xC2, 0x41}));
}

}  // namespace
}  // namespace warden
