#include "compiled/plan_file.h"

#include <cstring>
#include <fstream>

#include "geo/errors.h"
#include "io/output.h"
#include "plan/codec.h"
#include "tlog/hash.h"

namespace truceline::compiled {
namespace {

constexpr size_t kHeader = 24;
constexpr size_t kChecksum = 32;
const char* const kRecompile = "recompile it: truceline plan compile PLAN.toml -o DIR (writes DIR/plan.tlplan)";

void put_file(io::ByteWriter& w, const FileHash& f) {
  w.str(f.path);
  w.u64(f.bytes);
  w.str(f.sha256);
}
FileHash get_file(io::ByteReader& r) {
  FileHash f;
  f.path = r.str();
  f.bytes = r.u64();
  f.sha256 = r.str();
  return f;
}

void put_provenance(io::ByteWriter& w, const Provenance& p) {
  put_file(w, p.plan);
  w.u64(p.layers.size());
  for (const auto& l : p.layers) put_file(w, l);
  w.str(p.compiled_at);
  w.str(p.build);
}
Provenance get_provenance(io::ByteReader& r) {
  Provenance p;
  p.plan = get_file(r);
  p.layers.resize(r.count(8 * 3));
  for (auto& l : p.layers) l = get_file(r);
  p.compiled_at = r.str();
  p.build = r.str();
  return p;
}

template <class T>
T read_le(std::string_view bytes, size_t at) {
  T v;
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

}  // namespace

std::string encode(const CompiledPlan& plan) { return encode(plan.map(), plan.locator(), plan.provenance()); }

std::string encode(const plan::ZoneMap& map, const index::Locator& locator, const Provenance& provenance) {
  if (&locator.map() != &map) throw std::invalid_argument("compiled::encode: the Locator is over another map");
  io::ByteWriter body;
  put_provenance(body, provenance);
  plan::write_zone_map(body, map);
  locator.save(body);
  io::ByteWriter file;
  file.raw(kMagic.data(), kMagic.size());
  file.u32(kFormatVersion);
  file.u32(0);
  file.u64(body.bytes().size());
  file.raw(body.bytes().data(), body.bytes().size());
  const tlog::Hash sum = tlog::sha256(file.bytes());
  file.raw(sum.data(), sum.size());
  return file.take();
}

std::unique_ptr<CompiledPlan> decode(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kHeader && kMagic.substr(0, std::min(bytes.size(), kMagic.size())) == bytes.substr(0, kMagic.size()))
    throw InputError(name, "is truncated (" + std::to_string(bytes.size()) + " bytes, shorter than a header)", kRecompile);
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic)
    throw InputError(name, "is not a compiled plan (it does not start with the .tlplan magic number)",
                     "give a plan's TOML, or the plan.tlplan that `truceline plan compile PLAN.toml -o DIR` writes");
  const uint32_t version = read_le<uint32_t>(bytes, 8);
  if (version != kFormatVersion)
    throw InputError(name,
                     "is a compiled plan of format version " + std::to_string(version) + "; this truceline reads version " +
                         std::to_string(kFormatVersion),
                     kRecompile);
  const uint64_t n = read_le<uint64_t>(bytes, 16);
  if (bytes.size() < kHeader + kChecksum || bytes.size() - kHeader - kChecksum != n)
    throw InputError(name,
                     "is truncated or has bytes past its end (" + std::to_string(bytes.size()) + " bytes; its header says " +
                         std::to_string(n + kHeader + kChecksum) + ")",
                     kRecompile);
  const tlog::Hash sum = tlog::sha256(bytes.substr(0, kHeader + n));
  if (bytes.substr(kHeader + n) != tlog::bytes_of(sum))
    throw InputError(name, "is corrupted (its SHA-256 checksum does not match its contents)", kRecompile);
  try {
    io::ByteReader r(bytes.substr(kHeader, n));
    Provenance prov = get_provenance(r);
    plan::ZoneMap map = plan::read_zone_map(r);
    auto plan = std::make_unique<CompiledPlan>(std::move(map), std::move(prov), r);
    if (r.remaining() != 0) throw io::DecodeError(std::to_string(r.remaining()) + " bytes left over");
    return plan;
  } catch (const io::DecodeError& e) {
    throw InputError(name, std::string("is corrupted or was written by another build: ") + e.what(), kRecompile);
  } catch (const GeometryError& e) {
    throw InputError(name, std::string("is corrupted: ") + e.what(), kRecompile);
  }
}

bool is_plan_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[8] = {};
  return in.read(head, sizeof head) && std::string_view(head, sizeof head) == kMagic;
}

void write_plan_file(const std::filesystem::path& path, const CompiledPlan& plan) {
  io::write_file_atomic(path, encode(plan));
}

std::unique_ptr<CompiledPlan> read_plan_file(const std::filesystem::path& path) {
  return decode(io::read_file(path), path.string());
}

}  // namespace truceline::compiled
