// The compiled plan: a plan read back from its .tlplan bytes answers every query exactly as the
// compiled one does; damaged files are refused with InputError; the cache is used when, and only
// when, the plan and its layers are the ones it was compiled from.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "compiled/cache.h"
#include "compiled/load.h"
#include "compiled/plan_file.h"
#include "geo/errors.h"
#include "geo/wkb.h"
#include "io/output.h"
#include "plan/check.h"
#include "report/plan_outputs.h"
#include "support.h"
#include "tlog/hash.h"

namespace truceline::compiled {
namespace {
namespace fs = std::filesystem;

// The default plan as a .tlplan, encoded once.
const std::string& default_bytes() {
  static const std::string bytes = [] {
    const plan::ZoneMap& map = testing::default_map();
    const index::Locator locator(map);
    Provenance prov;
    prov.plan = {map.plan.path, 1, "ab"};
    prov.layers = {{"layer.geojson", 2, "cd"}};
    prov.compiled_at = "2026-12-07T00:00:00Z";
    prov.build = "test";
    return encode(map, locator, prov);
  }();
  return bytes;
}

const CompiledPlan& default_loaded() {
  static const auto plan = decode(default_bytes(), "default.tlplan");
  return *plan;
}

std::string wkb_or_none(const geo::Geom& g) { return g ? geo::to_wkb(g) : std::string("none"); }

TEST(CompiledPlanTest, MapReadBackIsTheCompiledOne) {
  const plan::ZoneMap& a = testing::default_map();
  const plan::ZoneMap& b = default_loaded().map();
  EXPECT_TRUE(a.plan == b.plan);
  EXPECT_EQ(geo::to_wkb(a.area), geo::to_wkb(b.area));
  EXPECT_EQ(a.area_km2, b.area_km2);
  ASSERT_EQ(a.zones.size(), b.zones.size());
  for (size_t i = 0; i < a.zones.size(); ++i) {
    SCOPED_TRACE(a.zones[i].id);
    EXPECT_EQ(a.zones[i].id, b.zones[i].id);
    EXPECT_EQ(a.zones[i].responsible, b.zones[i].responsible);
    EXPECT_EQ(geo::to_wkb(a.zones[i].geom), geo::to_wkb(b.zones[i].geom));
    EXPECT_EQ(wkb_or_none(a.zones[i].land_border), wkb_or_none(b.zones[i].land_border));
    EXPECT_EQ(a.zones[i].area_km2, b.zones[i].area_km2);
    EXPECT_EQ(a.zones[i].population, b.zones[i].population);
  }
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (size_t i = 0; i < a.lines.size(); ++i) {
    EXPECT_EQ(a.lines[i].kind, b.lines[i].kind);
    EXPECT_EQ(geo::to_wkb(a.lines[i].geom), geo::to_wkb(b.lines[i].geom));
    EXPECT_EQ(a.lines[i].length_km, b.lines[i].length_km);
  }
  ASSERT_EQ(a.settlements.size(), b.settlements.size());
  for (size_t i = 0; i < a.settlements.size(); ++i) {
    EXPECT_EQ(a.settlements[i].name, b.settlements[i].name);
    EXPECT_EQ(a.settlements[i].pos, b.settlements[i].pos);
    EXPECT_EQ(a.settlements[i].zone, b.settlements[i].zone);
    EXPECT_EQ(a.settlements[i].outside_by_m, b.settlements[i].outside_by_m);
  }
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_EQ(a.shape_area_km2, b.shape_area_km2);
  EXPECT_EQ(a.seams.size(), b.seams.size());
  EXPECT_EQ(a.fragments.size(), b.fragments.size());
  // Everything `plan compile` prints and writes from the map.
  EXPECT_EQ(report::zone_table(a), report::zone_table(b));
  EXPECT_EQ(report::summary_json(a, plan::check_plan(a)).dump(), report::summary_json(b, plan::check_plan(b)).dump());
  EXPECT_EQ(report::zones_geojson(a).dump(), report::zones_geojson(b).dump());
  // And written again, the very same bytes: the encoding is deterministic, with no stray byte.
  EXPECT_EQ(encode(default_loaded()), default_bytes());
}

// 100,000 random points over the area's box and a margin around it (inside, outside, just beyond
// the land border): the same zone, snap distance and distance to the line, bit for bit.
TEST(CompiledPlanTest, LoadedLocatorAnswersBitForBit) {
  const plan::ZoneMap& map = testing::default_map();
  const index::Locator fresh(map);
  const index::Locator& loaded = default_loaded().locator();
  std::mt19937_64 rng(20);
  std::uniform_real_distribution<double> lon(21.5, 41), lat(44, 53);
  int inside = 0, snapped = 0;
  for (int i = 0; i < 100000; ++i) {
    const geo::LonLat p{lon(rng), lat(rng)};
    const plan::Snapped a = fresh.locate(p), b = loaded.locate(p);
    ASSERT_EQ(a.zone, b.zone) << p.lon << " " << p.lat;
    ASSERT_EQ(std::memcmp(&a.outside_by_m, &b.outside_by_m, sizeof(double)), 0) << p.lon << " " << p.lat;
    const double da = fresh.distance_to_line_m(p), db = loaded.distance_to_line_m(p);
    ASSERT_EQ(std::memcmp(&da, &db, sizeof(double)), 0) << p.lon << " " << p.lat;
    inside += a.zone >= 0;
    snapped += a.outside_by_m > 0;
  }
  // The sample reaches every kind of answer.
  EXPECT_GT(inside, 30000);
  EXPECT_LT(inside, 90000);
  // Points near the land border are rare in a uniform box; settlements snapped there are not.
  for (const auto& s : map.settlements) {
    const plan::Snapped a = fresh.locate(s.pos), b = loaded.locate(s.pos);
    EXPECT_EQ(a.zone, b.zone);
    EXPECT_EQ(a.outside_by_m, b.outside_by_m);
    snapped += a.outside_by_m > 0;
  }
  EXPECT_GT(snapped, 0);
}

void expect_refused(const std::string& bytes, const std::string& says) {
  try {
    decode(bytes, "bad.tlplan");
    FAIL() << "decoded " << bytes.size() << " bytes, expected: " << says;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "bad.tlplan");
    EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("plan compile"), std::string::npos) << e.what();
  }
}

TEST(CompiledPlanTest, TruncatedFilesAreRefused) {
  const std::string& bytes = default_bytes();
  for (size_t n : {size_t{0}, size_t{5}, size_t{23}, size_t{24}, size_t{1000}, bytes.size() / 2, bytes.size() - 1})
    expect_refused(bytes.substr(0, n), "truncated");
  expect_refused(bytes + "x", "bytes past its end");
}

TEST(CompiledPlanTest, OtherFilesAndVersionsAreRefused) {
  expect_refused("name = \"a plan\"\n[area]\nlayer = \"x.geojson\"\n", "not a compiled plan");
  std::string v = default_bytes();
  const uint32_t other = kFormatVersion + 1;
  std::memcpy(v.data() + 8, &other, 4);
  expect_refused(v, "format version " + std::to_string(other) + "; this truceline reads version " +
                        std::to_string(kFormatVersion));
}

TEST(CompiledPlanTest, CorruptedBytesAreRefused) {
  const std::string& bytes = default_bytes();
  std::mt19937_64 rng(3);
  for (int i = 0; i < 20; ++i) {
    std::string b = bytes;
    b[24 + rng() % (b.size() - 24)] ^= static_cast<char>(1 + rng() % 255);
    expect_refused(b, "checksum");
  }
}

// Bytes that pass the checksum yet do not hold what they should (written by a broken build, or
// made to look whole): every damaged index is refused or decodes, never read out of bounds.
TEST(CompiledPlanTest, DamageBehindAValidChecksumIsRefusedNotFollowed) {
  const std::string& bytes = default_bytes();
  std::mt19937_64 rng(5);
  int refused = 0;
  for (int i = 0; i < 40; ++i) {
    std::string b = bytes;
    const size_t body = b.size() - 24 - 32;
    // Half the flips in the last 64 KiB, where the index's lengths and offsets are.
    const size_t at = 24 + (i % 2 ? body - 1 - rng() % std::min<size_t>(body, 65536) : rng() % body);
    b[at] ^= static_cast<char>(0x40);
    const tlog::Hash sum = tlog::sha256(std::string_view(b).substr(0, b.size() - 32));
    std::memcpy(b.data() + b.size() - 32, sum.data(), 32);
    try {
      decode(b, "bad.tlplan");
    } catch (const InputError& e) {
      ++refused;
      EXPECT_NE(e.fix().find("plan compile"), std::string::npos);
    }
  }
  EXPECT_GT(refused, 0);
}

// The cache, on a small plan over the synthetic square copied to a temporary folder.
class CompiledCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("truceline-cache-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "plan");
    for (const char* f : {"area.geojson", "line.geojson"})
      fs::copy_file(testing::root() / "tests/fixtures/square" / f, dir_ / "plan" / f);
    write_plan("square");
    opt_.cache_dir = dir_ / "cache";
    opt_.warn = [this](const std::string& w) { warnings_.push_back(w); };
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write_plan(const std::string& name) {
    std::ofstream(plan_path()) << "name = \"" << name << R"("
[area]
layer = "area.geojson"
[[parties]]
id = "w"
name = "West"
[line_of_contact]
layer = "line.geojson"
[dmz]
width = "2 km"
[[zones]]
id = "dmz"
within = ["dmz"]
[[zones]]
id = "rest"
responsible = "w"
)";
  }
  std::string plan_path() const { return (dir_ / "plan/plan.toml").string(); }
  size_t cache_entries() const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "cache")) n += e.path().extension() == ".tlplan";
    return n;
  }

  fs::path dir_;
  LoadOptions opt_;
  std::vector<std::string> warnings_;
};

TEST_F(CompiledCacheTest, SecondLoadComesFromTheCacheAndAnswersTheSame) {
  const auto first = load(plan_path(), opt_);
  EXPECT_EQ(first->origin, Origin::compiled);
  EXPECT_EQ(cache_entries(), 1u);
  const auto second = load(plan_path(), opt_);
  EXPECT_EQ(second->origin, Origin::cache);
  EXPECT_EQ(second->provenance().compiled_at, first->provenance().compiled_at);
  EXPECT_TRUE(second->map().plan == first->map().plan);
  ASSERT_EQ(second->provenance().layers.size(), 2u);
  EXPECT_EQ(second->provenance().layers[1].sha256, hash_file((dir_ / "plan/line.geojson").string()).sha256);
  for (double lon = 29.05; lon < 31; lon += 0.1) {
    const geo::LonLat p{lon, 48.01};
    EXPECT_EQ(first->locator().zone_of(p), second->locator().zone_of(p));
    EXPECT_EQ(first->locator().distance_to_line_m(p), second->locator().distance_to_line_m(p));
  }
  EXPECT_TRUE(warnings_.empty()) << warnings_.front();
}

TEST_F(CompiledCacheTest, AChangedLayerOrPlanIsCompiledAgain) {
  EXPECT_EQ(load(plan_path(), opt_)->origin, Origin::compiled);
  // The line moved by a hair: another file, another plan.
  const fs::path line = dir_ / "plan/line.geojson";
  std::string text = io::read_file(line);
  const auto at = text.find("30.2");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 4, "30.3");
  io::write_file_atomic(line, text);
  const auto moved = load(plan_path(), opt_);
  EXPECT_EQ(moved->origin, Origin::compiled);
  EXPECT_EQ(cache_entries(), 2u);
  EXPECT_EQ(load(plan_path(), opt_)->origin, Origin::cache);
  // The plan file itself.
  write_plan("square, renamed");
  const auto renamed = load(plan_path(), opt_);
  EXPECT_EQ(renamed->origin, Origin::compiled);
  EXPECT_EQ(renamed->map().plan.name, "square, renamed");
  // A parsed plan given another layer (as --layer or a date would): its own entry.
  plan::Plan p = plan::parse_plan(plan_path());
  fs::copy_file(testing::root() / "tests/fixtures/square/line.geojson", dir_ / "plan/line-2.geojson");
  p.line.layer = (dir_ / "plan/line-2.geojson").string();
  EXPECT_EQ(load_or_compile(p, opt_)->origin, Origin::compiled);
  EXPECT_EQ(load_or_compile(p, opt_)->origin, Origin::cache);
  EXPECT_EQ(cache_entries(), 4u);
}

TEST_F(CompiledCacheTest, ADamagedEntryIsCompiledAgainWithAWarning) {
  const auto first = load(plan_path(), opt_);
  const fs::path entry = cache_entry(*opt_.cache_dir, first->provenance());
  ASSERT_TRUE(fs::exists(entry));
  fs::resize_file(entry, 100);
  const auto again = load(plan_path(), opt_);
  EXPECT_EQ(again->origin, Origin::compiled);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("truncated"), std::string::npos) << warnings_[0];
  EXPECT_EQ(load(plan_path(), opt_)->origin, Origin::cache);  // stored whole again
}

TEST_F(CompiledCacheTest, ACacheThatCannotBeWrittenIsAWarning) {
  std::ofstream(dir_ / "not-a-dir") << "x";
  opt_.cache_dir = dir_ / "not-a-dir" / "cache";
  const auto c = load(plan_path(), opt_);
  EXPECT_EQ(c->origin, Origin::compiled);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("cannot store the compiled plan"), std::string::npos) << warnings_[0];
}

TEST_F(CompiledCacheTest, APlanFileLoadsAsItIsAndSaysWhatItHolds) {
  const auto compiled = load(plan_path(), opt_);
  const fs::path file = dir_ / "plan.tlplan";
  write_plan_file(file, *compiled);
  std::vector<std::string> notes;
  opt_.note = [&](const std::string& n) { notes.push_back(n); };
  opt_.cache_dir = fs::path();  // no cache: nothing to compile from
  const auto loaded = load(file.string(), opt_);
  EXPECT_EQ(loaded->origin, Origin::file);
  EXPECT_EQ(loaded->map().plan.name, "square");
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("\"square\""), std::string::npos) << notes[0];
  EXPECT_NE(notes[0].find(plan_path()), std::string::npos) << notes[0];
}

TEST(CompiledCacheKeyTest, FollowsEveryInput) {
  Provenance p;
  p.plan = {"plans/a.toml", 10, "aa"};
  p.layers = {{"data/x.geojson", 20, "bb"}};
  p.build = "b1";
  const std::string key = cache_key(p);
  EXPECT_EQ(key.size(), 64u);
  p.compiled_at = "later";
  EXPECT_EQ(cache_key(p), key);
  for (auto change : std::vector<std::function<void(Provenance&)>>{
           [](Provenance& q) { q.plan.path = "plans/b.toml"; }, [](Provenance& q) { q.plan.sha256 = "ab"; },
           [](Provenance& q) { q.layers[0].path = "data/y.geojson"; }, [](Provenance& q) { q.layers[0].sha256 = "bc"; },
           [](Provenance& q) { q.layers.push_back({"data/z.geojson", 1, "cc"}); }, [](Provenance& q) { q.build = "b2"; }}) {
    Provenance q = p;
    change(q);
    EXPECT_NE(cache_key(q), key);
  }
}

TEST(CompiledCacheKeyTest, DefaultDirFollowsXdg) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(default_cache_dir(), fs::path("/tmp/xdg-test/truceline"));
  setenv("XDG_CACHE_HOME", "relative", 1);  // ignored, as the specification says
  if (const char* home = std::getenv("HOME")) {
    EXPECT_EQ(default_cache_dir(), fs::path(home) / ".cache/truceline");
  }
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace truceline::compiled
