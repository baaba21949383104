#include "compiled/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <filesystem>

#include "tlog/hash.h"

namespace truceline::compiled {
namespace {

// The NT_GNU_BUILD_ID note of the main program (the first object dl_iterate_phdr reports).
int find_build_id(dl_phdr_info* info, size_t, void* out) {
  auto& id = *static_cast<std::string*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
    const char* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const char* name = p + sizeof(ElfW(Nhdr));
      const char* desc = name + ((n->n_namesz + 3) & ~3u);
      if (desc + n->n_descsz > end) break;
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        id = tlog::hex(std::string_view(desc, n->n_descsz));
        return 1;
      }
      p = desc + ((n->n_descsz + 3) & ~3u);
    }
  }
  return 1;  // only the main program
}

std::string compute() {
  std::string id;
  dl_iterate_phdr(find_build_id, &id);
  if (!id.empty()) return "gnu-build-id:" + id;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto size = ec ? 0 : std::filesystem::file_size(exe, ec);
  const auto time = ec ? 0 : std::filesystem::last_write_time(exe, ec).time_since_epoch().count();
  return "exe:" + exe.string() + ":" + std::to_string(size) + ":" + std::to_string(time);
}

}  // namespace

const std::string& build_id() {
  static const std::string id = compute();
  return id;
}

}  // namespace truceline::compiled
