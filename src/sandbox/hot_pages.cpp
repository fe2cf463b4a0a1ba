#include "sandbox/hot_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace warden::sandbox {

namespace {

constexpr uint64_t kHostPage = 4096;
constexpr uint64_t kPresent = 1ull << 63;
constexpr uint64_t kFileOrSharedAnon = 1ull << 61;

void append(HotPages::Runs& runs, uint32_t page) {
  if (!runs.empty() && runs.back().first + runs.back().second == page) {
    ++runs.back().second;
  } else {
    runs.emplace_back(page, 1);
  }
}

HotPages::Runs runsFromJson(const nlohmann::json& json) {
  HotPages::Runs runs;
  if (!json.is_array()) return runs;
  for (const nlohmann::json& run : json) {
    if (!run.is_array() || run.size() != 2 || !run[0].is_number_unsigned() || !run[1].is_number_unsigned()) return {};
    runs.emplace_back(run[0].get<uint32_t>(), run[1].get<uint32_t>());
  }
  return runs;
}

void populate(uint8_t* base, uint64_t bytes, const HotPages::Runs& runs, int advice) {
  for (auto [first, count] : runs) {
    uint64_t begin = uint64_t(first) * kHostPage, end = begin + uint64_t(count) * kHostPage;
    if (begin >= bytes) break;  // runs are in order
    if (end > bytes) end = bytes;
    if (madvise(base + begin, end - begin, advice) != 0 && errno == EINVAL) return;  // an older kernel
  }
}

}  // namespace

uint64_t HotPages::pageCount() const {
  uint64_t n = 0;
  for (const Runs* runs : {&written, &read})
    for (auto run : *runs) n += run.second;
  return n;
}

Expect<HotPages> recordHotPages(const uint8_t* base, uint64_t bytes) {
  int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(ErrorCode::HostError, fmt::format("cannot read /proc/self/pagemap: {}", std::strerror(errno)));
  HotPages pages;
  uint64_t first = reinterpret_cast<uintptr_t>(base) / kHostPage, count = bytes / kHostPage;
  std::vector<uint64_t> entries(4096);
  for (uint64_t at = 0; at < count;) {
    uint64_t n = std::min<uint64_t>(entries.size(), count - at);
    ssize_t got = pread(fd, entries.data(), n * sizeof(uint64_t), off_t((first + at) * sizeof(uint64_t)));
    if (got != ssize_t(n * sizeof(uint64_t))) {
      ::close(fd);
      return fail(ErrorCode::HostError, "cannot read /proc/self/pagemap");
    }
    for (uint64_t i = 0; i < n; ++i) {
      if (!(entries[i] & kPresent)) continue;
      append(entries[i] & kFileOrSharedAnon ? pages.read : pages.written, uint32_t(at + i));
    }
    at += n;
  }
  ::close(fd);
  return pages;
}

void prefaultHotPages(uint8_t* base, uint64_t bytes, const HotPages& pages) {
  populate(base, bytes, pages.written, MADV_POPULATE_WRITE);
  populate(base, bytes, pages.read, MADV_POPULATE_READ);
}

nlohmann::json hotPagesToJson(const HotPages& pages) { return {{"written", pages.written}, {"read", pages.read}}; }

HotPages hotPagesFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return {};
  return {runsFromJson(json.value("written", nlohmann::json())), runsFromJson(json.value("read", nlohmann::json()))};
}

}  // namespace warden::sandbox
