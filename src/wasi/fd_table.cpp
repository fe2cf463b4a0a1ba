#include "wasi/fd_table.h"

namespace warden::wasi {

WasiResult<uint32_t> FdTable::insert(std::unique_ptr<FdEntry> entry) {
  if (open_ >= max_open_) return std::unexpected(Errno::Mfile);
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i]) {
      entries_[i] = std::move(entry);
      ++open_;
      return i;
    }
  }
  entries_.push_back(std::move(entry));
  ++open_;
  return uint32_t(entries_.size() - 1);
}

Errno FdTable::close(uint32_t fd) {
  if (!get(fd)) return Errno::Badf;
  entries_[fd].reset();
  --open_;
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return Errno::Success;
}

void FdTable::place(uint32_t fd, std::unique_ptr<FdEntry> entry) {
  if (fd >= entries_.size()) entries_.resize(fd + 1);
  if (!entries_[fd]) ++open_;
  entries_[fd] = std::move(entry);
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (!get(from) || !get(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  entries_[to] = std::move(entries_[from]);
  --open_;
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return Errno::Success;
}

}  // namespace warden::wasi
