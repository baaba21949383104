#include "io/toml.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "geo/errors.h"
#include "io/output.h"
#include "plan/plan.h"
#include "plan/series.h"
#include "plan/severity.h"
#include "plan/units.h"

namespace truceline::plan {
namespace {

namespace fs = std::filesystem;

// Reads one table of the plan, naming the file, line and key in every error.
class Reader {
 public:
  Reader(std::string path, fs::path base) : path_(std::move(path)), base_(std::move(base)) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& key, const std::string& what,
                         const std::string& fix) const {
    std::string where = path_;
    if (node && node->source().begin.line > 0) where += ":" + std::to_string(node->source().begin.line);
    throw InputError(where, key.empty() ? what : key + ": " + what, fix);
  }

  std::string str(const toml::table& t, const std::string& table, const std::string& key, bool required,
                  const std::string& fallback = {}) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail(&t, qualified(table, key), "missing", "add " + key + " = \"...\"");
      return fallback;
    }
    if (!n->is_string()) fail(n, qualified(table, key), "must be a string", "quote the value");
    return std::string(*n->value<std::string>());
  }

  std::vector<std::string> strings(const toml::table& t, const std::string& table, const std::string& key) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n, qualified(table, key), "must be an array of strings", "write " + key + " = [\"a\", \"b\"]");
    for (const auto& e : *a) {
      if (!e.is_string()) fail(&e, qualified(table, key), "must hold strings only", "quote every item");
      out.emplace_back(*e.value<std::string>());
    }
    return out;
  }

  std::optional<double> length(const toml::table& t, const std::string& table, const std::string& key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (!n->is_string())
      fail(n, qualified(table, key), "must be a length with its unit", "write it as \"15 km\" (units: m, km, mi, nmi)");
    const std::string text(*n->value<std::string>());
    auto m = parse_length_m(text);
    if (!m) fail(n, qualified(table, key), "'" + text + "' is not a length with a known unit",
                 "write a number and one of m, km, mi, nmi, e.g. \"15 km\"");
    if (*m < 0) fail(n, qualified(table, key), "must not be negative", "give a distance of 0 or more");
    return m;
  }

  std::string file(const toml::table& t, const std::string& table, const std::string& key, bool required) const {
    std::string rel = str(t, table, key, required);
    if (rel.empty()) return rel;
    fs::path p(rel);
    return (p.is_absolute() ? p : base_ / p).lexically_normal().string();
  }

  void only_keys(const toml::table& t, const std::string& table, std::initializer_list<std::string_view> allowed) const {
    for (const auto& [k, v] : t) {
      bool ok = false;
      for (auto a : allowed) ok = ok || k.str() == a;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(&v, qualified(table, std::string(k.str())), "unknown key", "use one of: " + list);
      }
    }
  }

  const toml::table* table_of(const toml::table& t, const std::string& key) const {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(n, key, "must be a table", "write it as [" + key + "]");
    return n->as_table();
  }

  std::vector<const toml::table*> array_of_tables(const toml::table& t, const std::string& key) const {
    std::vector<const toml::table*> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n, key, "must be an array of tables", "write each entry as [[" + key + "]]");
    for (const auto& e : *a) {
      if (!e.is_table()) fail(&e, key, "must hold tables only", "write each entry as [[" + key + "]]");
      out.push_back(e.as_table());
    }
    return out;
  }

  static std::string qualified(const std::string& table, const std::string& key) {
    return table.empty() ? key : "[" + table + "] " + key;
  }

 private:
  std::string path_;
  fs::path base_;
};

// "15 km" for both sides, or `inside`/`outside` for each.
void read_sides(const Reader& r, const toml::table& t, const std::string& table, const std::string& both_key,
                double& inside, double& outside) {
  auto both = r.length(t, table, both_key);
  auto in = r.length(t, table, "inside");
  auto out = r.length(t, table, "outside");
  if (!both && !in && !out)
    r.fail(&t, "[" + table + "]", "no distance given", "add " + both_key + " = \"15 km\" or inside/outside");
  inside = in ? *in : (both ? *both : 0);
  outside = out ? *out : (both ? *both : 0);
}

std::vector<std::vector<geo::LonLat>> read_polygon(const Reader& r, const toml::node& n, const std::string& key) {
  std::vector<std::vector<geo::LonLat>> rings;
  const toml::array* a = n.as_array();
  if (!a) r.fail(&n, key, "must be an array of rings", "write polygon = [[[lon, lat], ...]]");
  for (const auto& ring : *a) {
    std::vector<geo::LonLat> pts;
    const toml::array* ra = ring.as_array();
    if (!ra) r.fail(&ring, key, "a ring must be an array of [lon, lat]", "write [[lon, lat], ...]");
    for (const auto& p : *ra) {
      const toml::array* pa = p.as_array();
      if (!pa || pa->size() != 2 || !pa->get(0)->is_number() || !pa->get(1)->is_number())
        r.fail(&p, key, "a position must be [lon, lat]", "write two numbers");
      pts.push_back({pa->get(0)->value<double>().value(), pa->get(1)->value<double>().value()});
    }
    if (pts.size() < 3) r.fail(&ring, key, "a ring needs at least 3 positions", "add positions");
    if (pts.front().lon != pts.back().lon || pts.front().lat != pts.back().lat) pts.push_back(pts.front());
    rings.push_back(std::move(pts));
  }
  return rings;
}

void read_shapes(const Reader& r, const toml::table& root, Plan& plan) {
  const toml::table* shapes = r.table_of(root, "shapes");
  if (!shapes) return;
  for (const auto& [k, v] : *shapes) {
    const std::string id(k.str());
    const std::string table = "shapes." + id;
    const toml::table* t = v.as_table();
    if (!t) r.fail(&v, table, "must be a table", "write " + id + " = { layer = \"...\" }");
    r.only_keys(*t, table, {"layer", "series", "date", "regions", "polygon", "union"});
    ShapeDef s;
    s.id = id;
    s.layer = r.file(*t, table, "layer", false);
    s.series = r.file(*t, table, "series", false);
    s.series_date = r.str(*t, table, "date", false);
    if (!s.series_date.empty() && s.series.empty())
      r.fail(t->get("date"), table + " date", "is for a series only", "add series = \"folder\" or remove date");
    if (!s.series.empty() && !s.layer.empty())
      r.fail(t->get("series"), table, "has both layer and series", "keep one of them");
    s.regions = r.strings(*t, table, "regions");
    s.union_of = r.strings(*t, table, "union");
    if (const toml::node* p = t->get("polygon")) s.polygon = read_polygon(r, *p, table + " polygon");
    const int sources = !(s.layer.empty() && s.series.empty()) + !s.regions.empty() + !s.polygon.empty() + !s.union_of.empty();
    if (sources != 1) r.fail(t, table, "needs exactly one of layer, series, regions, polygon, union", "keep one of them");
    plan.shapes.push_back(std::move(s));
  }
}

void read_line_and_bands(const Reader& r, const toml::table& root, Plan& plan) {
  const toml::table* loc = r.table_of(root, "line_of_contact");
  if (!loc) r.fail(&root, "[line_of_contact]", "missing", "add [line_of_contact] with boundary_of or layer");
  r.only_keys(*loc, "line_of_contact", {"boundary_of", "layer", "tolerance", "min_piece", "inside", "outside"});
  plan.line.boundary_of = r.str(*loc, "line_of_contact", "boundary_of", false);
  plan.line.layer = r.file(*loc, "line_of_contact", "layer", false);
  if (plan.line.boundary_of.empty() == plan.line.layer.empty())
    r.fail(loc, "[line_of_contact]", "needs exactly one of boundary_of and layer",
           "derive it from a shape (boundary_of = \"occupied\") or give a line layer");
  if (auto v = r.length(*loc, "line_of_contact", "tolerance")) plan.line.tolerance_m = *v;
  if (auto v = r.length(*loc, "line_of_contact", "min_piece")) plan.line.min_piece_m = *v;
  plan.line.inside = r.str(*loc, "line_of_contact", "inside", false, "inside");
  plan.line.outside = r.str(*loc, "line_of_contact", "outside", false, "outside");

  if (const toml::table* d = r.table_of(root, "dmz")) {
    r.only_keys(*d, "dmz", {"width", "inside", "outside"});
    Dmz dmz;
    read_sides(r, *d, "dmz", "width", dmz.inside_m, dmz.outside_m);
    plan.dmz = dmz;
  }
  if (const toml::table* d = r.table_of(root, "divide")) {
    r.only_keys(*d, "divide", {"layer", "left", "right"});
    Divide div;
    div.layer = r.file(*d, "divide", "layer", true);
    div.left = r.str(*d, "divide", "left", false, "left");
    div.right = r.str(*d, "divide", "right", false, "right");
    plan.divide = div;
  }
  for (const toml::table* w : r.array_of_tables(root, "withdrawal")) {
    r.only_keys(*w, "withdrawal", {"class", "label", "distance", "inside", "outside"});
    Withdrawal wd;
    wd.weapon_class = r.str(*w, "withdrawal", "class", true);
    wd.label = r.str(*w, "withdrawal", "label", false, wd.weapon_class);
    read_sides(r, *w, "withdrawal", "distance", wd.inside_m, wd.outside_m);
    plan.withdrawals.push_back(std::move(wd));
  }
}

void read_parties_and_zones(const Reader& r, const toml::table& root, Plan& plan) {
  for (const toml::table* p : r.array_of_tables(root, "parties")) {
    r.only_keys(*p, "parties", {"id", "name", "lead", "colour", "role"});
    Party party{r.str(*p, "parties", "id", true), r.str(*p, "parties", "name", true), r.str(*p, "parties", "lead", false),
                r.str(*p, "parties", "colour", false, "#888888"), r.str(*p, "parties", "role", false, "party")};
    if (party.role != "party" && party.role != "contingent" && party.role != "mission")
      r.fail(p, "[[parties]] role", "'" + party.role + "' is not a role", "use party, contingent or mission");
    plan.parties.push_back(std::move(party));
  }
  for (const toml::table* z : r.array_of_tables(root, "zones")) {
    r.only_keys(*z, "zones", {"id", "name", "kind", "responsible", "colour", "within"});
    ZoneDef zd;
    zd.id = r.str(*z, "zones", "id", true);
    zd.name = r.str(*z, "zones", "name", false, zd.id);
    zd.kind = r.str(*z, "zones", "kind", false, zd.id);
    zd.responsible = r.str(*z, "zones", "responsible", false);
    zd.colour = r.str(*z, "zones", "colour", false);
    zd.within = r.strings(*z, "zones", "within");
    if (!zd.responsible.empty() && !plan.party(zd.responsible))
      r.fail(z, "[[zones]] " + zd.id + " responsible", "'" + zd.responsible + "' is not a party id",
             "declare it under [[parties]] or fix the id");
    plan.zones.push_back(std::move(zd));
  }
  if (plan.zones.empty()) r.fail(&root, "[[zones]]", "the plan has no zones", "add at least one [[zones]] entry");
  // Explicit precedence: zones are taken in this order, each from what the earlier ones left.
  const std::vector<std::string> order = r.strings(root, "", "precedence");
  if (!order.empty()) {
    std::vector<ZoneDef> sorted;
    for (const auto& id : order) {
      auto it = std::find_if(plan.zones.begin(), plan.zones.end(), [&](const ZoneDef& z) { return z.id == id; });
      if (it == plan.zones.end())
        r.fail(root.get("precedence"), "precedence", "'" + id + "' is not a zone id", "list the ids of [[zones]]");
      sorted.push_back(*it);
    }
    if (sorted.size() != plan.zones.size())
      r.fail(root.get("precedence"), "precedence", "must list every zone exactly once", "add the missing zone ids");
    plan.zones = std::move(sorted);
  }
}

// [[enclaves]]: at = [lon, lat], zone = "id" (docs/plan-format.md, "Seams").
void read_enclaves(const Reader& r, const toml::table& root, Plan& plan) {
  for (const toml::table* t : r.array_of_tables(root, "enclaves")) {
    r.only_keys(*t, "enclaves", {"name", "at", "zone"});
    Enclave e;
    e.zone = r.str(*t, "enclaves", "zone", true);
    e.name = r.str(*t, "enclaves", "name", false, e.zone);
    if (std::none_of(plan.zones.begin(), plan.zones.end(), [&](const ZoneDef& z) { return z.id == e.zone; }))
      r.fail(t->get("zone"), "[[enclaves]] zone", "'" + e.zone + "' is not a zone id", "use the id of one of [[zones]]");
    const toml::node* at = t->get("at");
    const toml::array* a = at ? at->as_array() : nullptr;
    if (!a || a->size() != 2 || !a->get(0)->is_number() || !a->get(1)->is_number())
      r.fail(at ? at : t, "[[enclaves]] at", "must be a position [lon, lat]", "write at = [33.52, 44.61]");
    e.at = {a->get(0)->value<double>().value(), a->get(1)->value<double>().value()};
    if (std::abs(e.at.lon) > 180 || std::abs(e.at.lat) > 90)
      r.fail(at, "[[enclaves]] at", "is not a position on the Earth", "give [lon, lat] in degrees, longitude first");
    plan.enclaves.push_back(std::move(e));
  }
}

void read_rules(const Reader& r, const toml::table& root, Plan& plan) {
  static const std::vector<std::string> kinds{"fire_across_line", "weapon_in_dmz", "weapon_in_band", "air_over_dmz",
                                              "restriction", "weapons_missing"};
  static const std::vector<std::string> severities(kSeverities.begin(), kSeverities.end());
  auto one_of = [&](const toml::table* t, const std::string& key, const std::string& v, const std::vector<std::string>& allowed) {
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    r.fail(t->get(key), "[[rules]] " + key, "'" + v + "' is not allowed", "use one of: " + list);
  };
  for (const toml::table* t : r.array_of_tables(root, "rules")) {
    r.only_keys(*t, "rules", {"id", "kind", "severity", "weapon_classes"});
    Rule rule{r.str(*t, "rules", "id", true), r.str(*t, "rules", "kind", true), r.str(*t, "rules", "severity", false, "high"),
              r.strings(*t, "rules", "weapon_classes")};
    one_of(t, "kind", rule.kind, kinds);
    one_of(t, "severity", rule.severity, severities);
    plan.rules.push_back(std::move(rule));
  }
  if (const toml::table* m = r.table_of(root, "monitoring")) {
    r.only_keys(*m, "monitoring", {"bearing_sigma_saw", "bearing_sigma_heard"});
    auto degrees = [&](const char* key, double& out) {
      const toml::node* n = m->get(key);
      if (!n) return;
      if (!n->is_number() || n->value<double>().value() <= 0 || n->value<double>().value() >= 90)
        r.fail(n, std::string("[monitoring] ") + key, "must be a number of degrees between 0 and 90", "e.g. 3.0");
      out = n->value<double>().value();
    };
    degrees("bearing_sigma_saw", plan.monitoring.bearing_sigma_saw_deg);
    degrees("bearing_sigma_heard", plan.monitoring.bearing_sigma_heard_deg);
  }
}

void read_alerts(const Reader& r, const toml::table& root, Plan& plan) {
  const toml::table* a = r.table_of(root, "alerts");
  if (!a) return;
  const auto severity = [&](const toml::table& t, const std::string& table, const std::string& key, const std::string& fallback) {
    const std::string v = r.str(t, table, key, false, fallback);
    if (severity_rank(v) == 0)
      r.fail(t.get(key), Reader::qualified(table, key), "'" + v + "' is not allowed", "use one of: low, medium, high, critical");
    return v;
  };
  r.only_keys(*a, "alerts", {"violation_severity", "thresholds"});
  plan.alerts.violation_severity = severity(*a, "alerts", "violation_severity", "high");
  for (const toml::table* t : r.array_of_tables(*a, "thresholds")) {
    r.only_keys(*t, "alerts.thresholds", {"zone", "violations", "window_minutes", "severity"});
    Threshold th;
    th.zone = r.str(*t, "alerts.thresholds", "zone", true);
    if (std::none_of(plan.zones.begin(), plan.zones.end(), [&](const ZoneDef& z) { return z.id == th.zone; }))
      r.fail(t->get("zone"), "[[alerts.thresholds]] zone", "'" + th.zone + "' is not a zone id", "use the id of one of [[zones]]");
    const auto whole = [&](const char* key, int& out) {
      const toml::node* n = t->get(key);
      if (!n) return;
      if (!n->is_integer() || n->value<int64_t>().value() < 1 || n->value<int64_t>().value() > 1'000'000)
        r.fail(n, std::string("[[alerts.thresholds]] ") + key, "must be a whole number from 1 to 1000000", "e.g. 10");
      out = static_cast<int>(n->value<int64_t>().value());
    };
    whole("violations", th.violations);
    whole("window_minutes", th.window_minutes);
    th.min_severity = severity(*t, "alerts.thresholds", "severity", "low");
    plan.alerts.thresholds.push_back(std::move(th));
  }
}

// Every shape a zone or the line refers to must exist.
void check_names(const Reader& r, const toml::table& root, const Plan& plan) {
  std::set<std::string> names{"area"};
  for (const auto& s : plan.shapes) names.insert(s.id);
  names.insert(plan.line.inside);
  names.insert(plan.line.outside);
  if (plan.dmz) names.insert({"dmz", "dmz_" + plan.line.inside, "dmz_" + plan.line.outside});
  if (plan.divide) names.insert({plan.divide->left, plan.divide->right});
  auto known = [&](const std::string& n) { return names.count(n) > 0; };
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  for (const auto& s : plan.shapes)
    for (const auto& u : s.union_of)
      if (!known(u)) r.fail(root.get("shapes"), "[shapes] " + s.id, "unknown shape '" + u + "'", "use one of: " + list);
  if (!plan.line.boundary_of.empty() && !known(plan.line.boundary_of))
    r.fail(root.get("line_of_contact"), "[line_of_contact] boundary_of", "unknown shape '" + plan.line.boundary_of + "'",
           "use one of: " + list);
  for (const auto& z : plan.zones)
    for (const auto& w : z.within)
      if (!known(w)) r.fail(root.get("zones"), "[[zones]] " + z.id + " within", "unknown shape '" + w + "'", "use one of: " + list);
}

}  // namespace

const Party* Plan::party(const std::string& id) const {
  for (const auto& p : parties)
    if (p.id == id) return &p;
  return nullptr;
}

// Each series shape's layer on the plan's date: `--date`, else the shape's own `date`, else the
// plan's top-level `date`.
void pick_series_layers(const Reader& r, const toml::table& root, Plan& plan, const ParseOptions& opt) {
  for (ShapeDef& s : plan.shapes) {
    if (s.series.empty()) continue;
    const toml::node* node = root.at_path("shapes." + s.id).node();
    const long line = node ? node->source().begin.line : 0;
    const std::string where = plan.path + (line > 0 ? ":" + std::to_string(line) : "") + ": [shapes] " + s.id;
    s.series_date = !opt.date.empty() ? opt.date : !s.series_date.empty() ? s.series_date : plan.date;
    if (s.series_date.empty())
      r.fail(root.get("shapes"), "[shapes] " + s.id, "a series needs a date", "add date = \"YYYY-MM-DD\" to the shape or the plan, or give --date");
    const PickedLayer p = pick_layer(read_series(s.series), s.series_date, where);
    s.layer = p.layer.path;
    if (!p.warning.empty()) plan.warnings.push_back(p.warning);
  }
}

Plan parse_plan_text(const std::string& text, const std::string& path, const ParseOptions& opt) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line), std::string(e.description()),
                     "fix the TOML syntax");
  }
  const Reader r(path, fs::path(path).parent_path());
  r.only_keys(root, "", {"name", "date", "description", "source", "area", "settlements", "parties", "shapes",
                         "line_of_contact", "dmz", "divide", "zones", "precedence", "withdrawal", "rules",
                         "monitoring", "alerts", "enclaves"});
  Plan plan;
  plan.path = path;
  plan.name = r.str(root, "", "name", true);
  plan.date = r.str(root, "", "date", false);
  plan.description = r.str(root, "", "description", false);
  plan.source = r.str(root, "", "source", false);
  const toml::table* area = r.table_of(root, "area");
  if (!area) r.fail(&root, "[area]", "missing", "add [area] with layer = \"regions.geojson\"");
  r.only_keys(*area, "area", {"layer", "regions", "gap_tolerance", "land_border", "border_snap"});
  plan.area_layer = r.file(*area, "area", "layer", true);
  plan.area_regions = r.strings(*area, "area", "regions");
  if (auto v = r.length(*area, "area", "gap_tolerance")) plan.gap_tolerance_m = *v;
  plan.land_border_layer = r.file(*area, "area", "land_border", false);
  if (!plan.land_border_layer.empty()) plan.border_snap_m = 1500;
  if (auto v = r.length(*area, "area", "border_snap")) {
    if (plan.land_border_layer.empty())
      r.fail(area->get("border_snap"), "[area] border_snap", "needs land_border", "add land_border = \"border.geojson\"");
    plan.border_snap_m = *v;
  }
  if (const toml::table* s = r.table_of(root, "settlements")) {
    r.only_keys(*s, "settlements", {"layer"});
    plan.settlements_layer = r.file(*s, "settlements", "layer", true);
  }
  if (!opt.date.empty()) {
    if (!is_date(opt.date)) throw InputError("--date " + opt.date, "is not a date", "write YYYY-MM-DD");
    plan.date = opt.date;
  }
  read_parties_and_zones(r, root, plan);
  read_shapes(r, root, plan);
  pick_series_layers(r, root, plan, opt);
  read_line_and_bands(r, root, plan);
  read_enclaves(r, root, plan);
  read_rules(r, root, plan);
  read_alerts(r, root, plan);
  check_names(r, root, plan);
  return plan;
}

Plan parse_plan(const std::string& path, const ParseOptions& opt) { return parse_plan_text(io::read_file(path), path, opt); }

}  // namespace truceline::plan
