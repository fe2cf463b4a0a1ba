#include "runtime/types.h"

namespace warden {

std::string_view valTypeName(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "?";
}

std::string_view externKindName(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string funcTypeString(const FuncType& type) {
  std::string out = "(";
  for (size_t i = 0; i < type.params.size(); ++i) {
    if (i) out += ' ';
    out += valTypeName(type.params[i]);
  }
  out += ") -> (";
  for (size_t i = 0; i < type.results.size(); ++i) {
    if (i) out += ' ';
    out += valTypeName(type.results[i]);
  }
  out += ')';
  return out;
}

}  // namespace warden
