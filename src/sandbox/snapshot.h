// Snapshot: a sandbox's state after its initialisation — linear memory,
// globals, tables, segments and the layout of its preopened directories —
// from which new sandboxes are restored without running that
// initialisation again. Restored memory maps the snapshot's image
// MAP_PRIVATE: pages stay shared between all sandboxes of one snapshot until
// a sandbox writes them, and a restore copies nothing.
//
// The same bytes live in a memfd (in-process) or in a file (save/load), laid
// out as docs/SNAPSHOTS.md describes: a JSON header, then the memory image at
// a 64 KiB-aligned offset, written sparsely (zero pages are holes).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/api.h"
#include "sandbox/hot_pages.h"
#include "sandbox/sandbox.h"

namespace warden::sandbox {

class Snapshot {
 public:
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Captures `sandbox`, whose module's bytes have digest `module_digest`
  // (module_digest.h). `metadata` is kept as given (e.g. what Python
  // preloaded). Fails when the guest holds open files or the instance
  // cannot be restored elsewhere (instance_image.h).
  static Expect<std::shared_ptr<const Snapshot>> capture(Sandbox& sandbox, std::string module_digest,
                                                         nlohmann::json metadata = nlohmann::json::object());

  // Writes the snapshot to `path` (atomically: a temporary file renamed).
  // `warm_functions`: the defined functions a restore should compile before
  // it runs anything, when its module is compiled lazily (lazy_bodies.h).
  // `hot_pages`: what a restore faults in before it runs (hot_pages.h).
  Expect<void> save(const std::string& path, std::vector<uint32_t> warm_functions = {}, const HotPages& hot_pages = {}) const;
  // Opens a snapshot file; its memory is mapped from the file itself.
  static Expect<std::shared_ptr<const Snapshot>> load(const std::string& path);

  // A new sandbox in the snapshot's state, running `module` (which must be
  // the one with moduleDigest() — the caller checks once). `config`'s first
  // preopens must have the snapshot's guest paths, in order (its later ones
  // are new); its args and environment are the guest's from now on.
  // With `prefault`, those pages of its memory are faulted in first.
  Expect<std::unique_ptr<Sandbox>> restore(Engine& engine, std::shared_ptr<const Module> module, wasi::WasiConfig config,
                                           std::optional<uint64_t> memory_cap_bytes, const HotPages* prefault = nullptr) const;

  const std::string& moduleDigest() const { return module_digest_; }
  const std::vector<std::string>& preopens() const { return preopens_; }
  const nlohmann::json& metadata() const { return metadata_; }
  const std::vector<uint32_t>& warmFunctions() const { return warm_functions_; }
  const HotPages& hotPages() const { return hot_pages_; }
  uint64_t memoryBytes() const {
    if (image_.imported_memory_bytes) return *image_.imported_memory_bytes;
    return image_.memory_bytes.empty() ? 0 : image_.memory_bytes[0];
  }

 private:
  Snapshot() = default;
  nlohmann::json header() const;
  static Expect<std::shared_ptr<Snapshot>> fromHeader(const nlohmann::json& header, int fd);

  int fd_ = -1;                  // holds the layout below (memfd or the file)
  uint64_t memory_offset_ = 0;   // where memory 0's image starts in fd_
  InstanceImage image_;
  std::vector<std::string> preopens_;
  std::string module_digest_;
  nlohmann::json metadata_;
  std::vector<uint32_t> warm_functions_;  // from a saved file (save's argument)
  HotPages hot_pages_;                    // likewise
};

}  // namespace warden::sandbox
