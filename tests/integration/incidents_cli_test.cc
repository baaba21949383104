// `truceline incidents PLAN OBS.csv -o INCIDENTS.csv` on a simulated stream: the documented
// header, every observation in exactly one incident, and one-line errors with exit code 2.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "integration/cli_support.h"
#include "io/csv.h"

namespace truceline {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) out.push_back(cur), cur.clear();
    else cur += c;
  }
  out.push_back(cur);
  return out;
}

TEST(IncidentsCli, CorrelatesASimulatedStream) {
  const auto dir = testing::scratch_dir("incidents");
  const auto obs = dir / "obs.csv", out = dir / "incidents.csv";
  auto r = testing::run_cli("simulate plans/kellogg-2025-04.toml --events 300 --seed 11 -o '" + obs.string() + "'", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  r = testing::run_cli("incidents plans/kellogg-2025-04.toml '" + obs.string() + "' -o '" + out.string() + "'", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("incidents"), std::string::npos);

  const auto rows = lines(testing::slurp(out));
  ASSERT_GT(rows.size(), 200u);
  EXPECT_EQ(rows[0],
            "incident_id,first_time,last_time,lat,lon,err_major_m,err_minor_m,err_azimuth_deg,n_observations,"
            "observation_ids,zone,zone_kind,responsible,origin_side,violations");
  const size_t n_obs = lines(testing::slurp(obs)).size() - 1;
  std::set<std::string> ids;
  size_t with_violations = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto f = split(rows[i], ',');  // no field of this file holds a comma
    ASSERT_EQ(f.size(), 15u) << rows[i];
    const auto members = split(f[9], ';');
    EXPECT_EQ(std::to_string(members.size()), f[8]);
    for (const auto& id : members) EXPECT_TRUE(ids.insert(id).second) << "observation " << id << " twice";
    EXPECT_LE(std::stod(f[6]), std::stod(f[5]));  // minor ≤ major
    with_violations += !f[14].empty();
  }
  EXPECT_EQ(ids.size(), n_obs);
  EXPECT_GT(with_violations, 0u);
}

TEST(IncidentsCli, BadInputIsOneLineAndExitTwo) {
  const auto dir = testing::scratch_dir("incidents-bad");
  const auto obs = dir / "obs.csv";
  {
    std::ofstream f(obs);
    f << "id,time,event\n1,not-a-time,explosion\n";
  }
  auto r = testing::run_cli("incidents plans/kellogg-2025-04.toml '" + obs.string() + "' -o '" + (dir / "x.csv").string() + "'", dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.csv"));
  r = testing::run_cli("incidents plans/kellogg-2025-04.toml '" + (dir / "missing.csv").string() + "' -o '" +
                           (dir / "x.csv").string() + "'", dir);
  EXPECT_EQ(r.code, 2);
}

}  // namespace
}  // namespace truceline
