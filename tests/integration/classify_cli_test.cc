// `truceline classify` as a process: exit codes, what is left at -o, and the stderr summary.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.h"

namespace truceline {
namespace {
namespace fs = std::filesystem;

class ClassifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("truceline-classify-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
    return dir_ / name;
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // Runs the CLI with `args` (already quoted); returns the exit code, stderr into err_.
  int run(const std::string& args) {
    const std::string cmd = "'" + testing::binary() + "' " + args + " 2>'" + (dir_ / "stderr").string() + "'";
    const int status = std::system(cmd.c_str());
    err_ = slurp(dir_ / "stderr");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  std::string plan() const { return "'" + (testing::root() / "plans/kellogg-2025-04.toml").string() + "'"; }
  std::string q(const fs::path& p) const { return "'" + p.string() + "'"; }
  // Nothing at the target and no temporary file beside it.
  bool dir_holds_only(std::initializer_list<std::string> names) const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) {
      ++n;
      if (std::find(names.begin(), names.end(), e.path().filename().string()) == names.end()) return false;
    }
    return n == names.size();
  }

  fs::path dir_;
  std::string err_;
};

TEST_F(ClassifyCli, MissingCoordinateHeaderExits2AndWritesNothing) {
  const fs::path in = write("events.csv", "name,x,y\nKyiv,30.5,50.4\n");
  const fs::path out = dir_ / "out.csv";
  EXPECT_EQ(run("classify " + plan() + " " + q(in) + " -o " + q(out)), 2);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(dir_holds_only({"events.csv", "stderr"}));
  // One line, naming the file and the fix.
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_NE(err_.find(in.string() + ":1: the header has no coordinate columns"), std::string::npos) << err_;
  EXPECT_NE(err_.find("name the coordinate columns 'lat' and 'lon'"), std::string::npos) << err_;
}

TEST_F(ClassifyCli, SwappedColumnsExit2AndLeaveNoOutput) {
  std::string csv = "name,lat,lon\n";
  for (int i = 0; i < 50; ++i) csv += "p" + std::to_string(i) + "," + std::to_string(30 + i * 0.1) + ",49.5\n";
  const fs::path in = write("swapped.csv", csv);
  const fs::path out = dir_ / "out.csv";
  EXPECT_EQ(run("classify " + plan() + " " + q(in) + " -o " + q(out)), 2);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(dir_holds_only({"swapped.csv", "stderr"}));
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_NE(err_.find(in.string() + ":2: lat and lon look swapped"), std::string::npos) << err_;
  EXPECT_NE(err_.find("exchange the column names"), std::string::npos) << err_;
  // An existing output is left as it was.
  write("out.csv", "previous\n");
  EXPECT_EQ(run("classify " + plan() + " " + q(in) + " -o " + q(out)), 2);
  EXPECT_EQ(slurp(out), "previous\n");
}

TEST_F(ClassifyCli, BadRowsExit0WithTheCountOnStderr) {
  const fs::path in = write("rows.csv",
                            "name,lat,lon\nKyiv,50.45466,30.5238\nbad,abc,30\nfar,91,30\nshort,50\nLviv,49.83826,24.02324\n");
  const fs::path out = dir_ / "out.csv";
  EXPECT_EQ(run("classify " + plan() + " " + q(in) + " -o " + q(out)), 0) << err_;
  EXPECT_EQ(err_, "truceline: 3 rows with errors (first: " + in.string() + ":3: lat 'abc' is not a number)\n");
  const std::string text = slurp(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);
  EXPECT_NE(text.find("bad,abc,30,,,,,lat 'abc' is not a number\n"), std::string::npos) << text;
  EXPECT_TRUE(dir_holds_only({"rows.csv", "out.csv", "stderr"}));
}

TEST_F(ClassifyCli, StdinToStdout) {
  const fs::path in = write("in.csv", "lat,lon\n48.023,37.80224\n");
  const fs::path out = dir_ / "piped.csv";
  EXPECT_EQ(run("classify " + plan() + " - < " + q(in) + " > " + q(out)), 0) << err_;
  EXPECT_EQ(err_, "");
  EXPECT_EQ(slurp(out).rfind("lat,lon,zone,zone_kind,responsible,dist_loc_km,error\n48.023,37.80224,russian,russian,ru,", 0), 0u)
      << slurp(out);
}

TEST_F(ClassifyCli, MissingInputFileExits2) {
  EXPECT_EQ(run("classify " + plan() + " " + q(dir_ / "nope.csv") + " -o " + q(dir_ / "out.csv")), 2);
  EXPECT_NE(err_.find("nope.csv: cannot open the file"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(dir_ / "out.csv"));
}

}  // namespace
}  // namespace truceline
