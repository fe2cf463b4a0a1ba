#include "runtime/instance_image.h"

#include <unordered_map>

#include <fmt/format.h>

#include "runtime/objects.h"

namespace warden {

namespace {

Error cannot(std::string why) { return Error(ErrorCode::HostError, fmt::format("cannot snapshot this instance: {}", why)); }

}  // namespace

Expect<InstanceImage> captureInstance(const Instance& instance) {
  const Module& module = *instance.module;
  if (module.num_imported_tables || module.num_imported_globals)
    return std::unexpected(cannot("it imports tables or globals"));
  if (module.num_imported_memories > 1) return std::unexpected(cannot("it imports more than one memory"));

  std::unordered_map<const FunctionInstance*, InstanceImage::FuncIndex> index_of;
  for (size_t i = 0; i < instance.funcs.size(); ++i) index_of.emplace(instance.funcs[i], int64_t(i));
  auto funcIndex = [&](Ref ref) -> Expect<InstanceImage::FuncIndex> {
    if (ref == kNullRef) return -1;
    auto it = index_of.find(reinterpret_cast<const FunctionInstance*>(ref));
    if (it == index_of.end()) return std::unexpected(cannot("a reference names another instance's function"));
    return it->second;
  };

  InstanceImage image;
  for (const GlobalInstance* g : instance.globals) {
    InstanceImage::Global saved;
    if (g->type.type == ValType::FuncRef) {
      saved.func = WARDEN_TRY(funcIndex(g->value.ref));
    } else if (g->type.type == ValType::ExternRef) {
      if (g->value.ref != kNullRef) return std::unexpected(cannot("a global holds an externref"));
    } else {
      saved.value = g->value;
      saved.value_hi = g->value_hi;
    }
    image.globals.push_back(saved);
  }
  for (const TableInstance* t : instance.tables) {
    std::vector<InstanceImage::FuncIndex> elems;
    elems.reserve(t->elems.size());
    for (Ref ref : t->elems) {
      if (t->type.elem == ValType::ExternRef) {
        if (ref != kNullRef) return std::unexpected(cannot("a table holds an externref"));
        elems.push_back(-1);
      } else {
        elems.push_back(WARDEN_TRY(funcIndex(ref)));
      }
    }
    image.tables.push_back(std::move(elems));
  }
  for (const ElemInstance& e : instance.elems) image.elem_dropped.push_back(e.refs.empty());
  for (const DataInstance& d : instance.datas) image.data_dropped.push_back(d.bytes.empty());
  for (size_t i = 0; i < instance.memories.size(); ++i) {
    if (i < module.num_imported_memories) image.imported_memory_bytes = instance.memories[i]->currentSize();
    else image.memory_bytes.push_back(instance.memories[i]->size);
  }
  return image;
}

}  // namespace warden
