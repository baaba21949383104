// locate(): exactness against GeographicLib with noise-free bearings, the accuracy bars of the
// bearing fix on randomized patrols, honest error ellipses (the truth inside 1σ and 2σ as often as
// a Gaussian puts it there), the prior along a lone bearing and the long ellipse of nearly
// parallel bearings.
#include "monitor/locate.h"

#include <GeographicLib/AzimuthalEquidistant.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "geo/geodesy.h"

namespace truceline::monitor {
namespace {

constexpr double kDeg = std::numbers::pi / 180;
const geo::LonLat kNear{37.5, 48.0};  // the events' neighbourhood, in the Donbas

const GeographicLib::Geodesic& wgs84() { return GeographicLib::Geodesic::WGS84(); }

// Uniform and normal draws made here from raw mt19937_64 output, so the trials are the same on
// every standard library (the <random> distributions are implementation-defined).
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * ((g_() >> 11) * 0x1p-53); }
  double normal(double sigma) {  // Box–Muller
    const double u = uniform(0, 1), v = uniform(0, 1);
    return sigma * std::sqrt(-2 * std::log1p(-u)) * std::cos(2 * std::numbers::pi * v);
  }
  bool chance(double p) { return uniform(0, 1) < p; }

 private:
  std::mt19937_64 g_;
};

// Azimuth from a to b, degrees in [0, 360).
double azimuth(geo::LonLat a, geo::LonLat b) {
  double s12, azi1, azi2;
  wgs84().Inverse(a.lat, a.lon, b.lat, b.lon, s12, azi1, azi2);
  return std::fmod(azi1 + 360, 360.0);
}

struct Trial {
  geo::LonLat truth;
  std::vector<Sighting> sightings;
};

struct TrialOptions {
  bool bands = false;          // report a 3 km range band holding the true range
  double bearing_noise = 1;    // scale of the bearing noise (0: exact bearings)
};

// An event within 10 km of kNear and `n` patrols 1.5–7.5 km from it in random directions. A patrol
// within 4 km sees it half the time (σ 3°); otherwise it hears it (σ 10°), as patrols beyond a
// few kilometres do.
Trial make_trial(Rng& rng, int n, const TrialOptions& o = {}) {
  Trial t;
  const double off_m = rng.uniform(0, 10'000);  // drawn first: argument order is the compiler's
  t.truth = geo::destination(kNear, rng.uniform(0, 360), off_m);
  for (int i = 0; i < n; ++i) {
    Sighting s;
    s.id = std::to_string(i + 1);
    s.event = "explosion";
    const double dist = rng.uniform(1500, 7500);
    s.observer = geo::destination(t.truth, rng.uniform(0, 360), dist);
    const bool saw = dist <= 4000 && rng.chance(0.5);
    s.mode = saw ? "saw" : "heard";
    s.bearing_sigma_deg = saw ? 3 : 10;
    const double b = azimuth(*s.observer, t.truth) + o.bearing_noise * rng.normal(s.bearing_sigma_deg);
    s.bearing_deg = std::fmod(std::fmod(b, 360.0) + 360, 360.0);
    if (o.bands) {
      const double lo = std::max(0.0, dist - rng.uniform(0, 3000));
      s.range_min_m = lo, s.range_max_m = lo + 3000;
    }
    t.sightings.push_back(s);
  }
  return t;
}

std::vector<const Sighting*> ptrs(const std::vector<Sighting>& ss) {
  std::vector<const Sighting*> v;
  for (const Sighting& s : ss) v.push_back(&s);
  return v;
}

Fix locate_trial(const Trial& t, const LocateOptions& opt = {}) { return locate(ptrs(t.sightings), opt); }

double error_m(const Fix& f, geo::LonLat truth) { return geo::distance_m(f.pos, truth); }

// Squared Mahalanobis distance of the truth from the fix under the fix's 1σ ellipse.
double mahalanobis2(const Fix& f, geo::LonLat truth) {
  const double d = geo::distance_m(f.pos, truth), a = (azimuth(f.pos, truth) - f.err.azimuth_deg) * kDeg;
  const double along = d * std::cos(a) / f.err.major_m, across = d * std::sin(a) / f.err.minor_m;
  return along * along + across * across;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// The reference the issue measured against: the plain weighted least-squares intersection of the
// bearing lines (perpendicular distances, weights 1/σθ²), solved once, linearly, on an azimuthal
// equidistant plane centred on the observers' first.
geo::LonLat plain_intersection(const Trial& t) {
  const GeographicLib::AzimuthalEquidistant ae(wgs84());
  const geo::LonLat c = *t.sightings[0].observer;
  double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0, azi, k;
  for (const Sighting& s : t.sightings) {
    double x, y;
    ae.Forward(c.lat, c.lon, s.observer->lat, s.observer->lon, x, y, azi, k);
    const double th = *s.bearing_deg * kDeg, nx = std::cos(th), ny = -std::sin(th);  // normal
    const double w = 1 / std::pow(s.bearing_sigma_deg * kDeg, 2), d = nx * x + ny * y;
    a11 += w * nx * nx, a12 += w * nx * ny, a22 += w * ny * ny, b1 += w * nx * d, b2 += w * ny * d;
  }
  const double det = a11 * a22 - a12 * a12;
  geo::LonLat p;
  ae.Reverse(c.lat, c.lon, (a22 * b1 - a12 * b2) / det, (a11 * b2 - a12 * b1) / det, p.lat, p.lon, azi, k);
  return p;
}

struct Errors {
  double fix_m, plain_m;
};

// Median errors of locate() and of the plain intersection over `trials` events.
Errors median_errors(uint64_t seed, int trials, int min_obs, int max_obs, const TrialOptions& o = {},
                     const LocateOptions& opt = {}) {
  Rng rng(seed);
  std::vector<double> fix, plain;
  for (int i = 0; i < trials; ++i) {
    const int n = min_obs + static_cast<int>(rng.uniform(0, max_obs - min_obs + 1));
    const Trial t = make_trial(rng, n, o);
    fix.push_back(error_m(locate_trial(t, opt), t.truth));
    plain.push_back(geo::distance_m(plain_intersection(t), t.truth));
  }
  return {median(fix), median(plain)};
}

TEST(Locate, NothingToGoOnIsNotOk) {
  EXPECT_FALSE(locate({}).ok);
  Sighting s;  // no observer, no position
  s.bearing_deg = 90;
  EXPECT_FALSE(locate({&s}).ok);
}

TEST(Locate, GivenPositionReturnsItselfWithItsSigma) {
  Sighting s;
  s.position = geo::LonLat{37.61234, 48.04321};
  s.position_sigma_m = 80;
  const Fix f = locate({&s});
  ASSERT_TRUE(f.ok);
  EXPECT_LT(geo::distance_m(f.pos, *s.position), 1e-6);
  EXPECT_NEAR(f.err.major_m, 80, 1e-6);
  EXPECT_NEAR(f.err.minor_m, 80, 1e-6);
}

TEST(Locate, TwoGivenPositionsMeetInTheirWeightedMean) {
  Sighting a, b;
  a.position = kNear, a.position_sigma_m = 30;
  b.position = geo::destination(kNear, 90, 1000), b.position_sigma_m = 60;
  const Fix f = locate({&a, &b});
  // Weights 1/30² and 1/60²: the mean lies 1000·(1/5) = 200 m east of a; σ = (1/30² + 1/60²)^-½.
  EXPECT_NEAR(geo::distance_m(f.pos, *a.position), 200, 0.05);
  EXPECT_NEAR(azimuth(*a.position, f.pos), 90, 0.01);
  EXPECT_NEAR(f.err.major_m, 1 / std::sqrt(1 / 900.0 + 1 / 3600.0), 1e-6);
}

// Randomized cross-check against GeographicLib: exact bearings (and bands centred on the exact
// range) must give the event back to within the plane's stated accuracy. Without the default-band
// prior, which would pull shallow crossings of exact bearings towards 5 km.
TEST(Locate, NoiseFreeMeasurementsRecoverTheEventWithinFiveCentimetres) {
  Rng rng(11);
  double worst = 0;
  for (int i = 0; i < 500; ++i) {
    Trial t = make_trial(rng, 2 + i % 4, {.bands = false, .bearing_noise = 0});
    if (i % 2) {
      for (Sighting& s : t.sightings) {
        const double r = geo::distance_m(*s.observer, t.truth);
        s.range_min_m = r - 1500, s.range_max_m = r + 1500;
      }
    }
    const Fix f = locate_trial(t, {.default_band_prior = false});
    ASSERT_TRUE(f.ok);
    worst = std::max(worst, error_m(f, t.truth));
  }
  RecordProperty("worst_noise_free_error_m", std::to_string(worst));
  std::printf("noise-free worst error: %.4f m\n", worst);
  EXPECT_LT(worst, 0.05);
}

TEST(Locate, MedianErrorWithThreeOrMoreObservers) {
  const Errors e = median_errors(21, 2000, 3, 5);
  std::printf("3-5 observers: median error %.0f m (plain intersection %.0f m)\n", e.fix_m, e.plain_m);
  EXPECT_LE(e.fix_m, 600);
}

// Two bearings cross in one point, which is also their least-squares fix; only the default-band
// prior can do better, by reining in the shallow crossings.
TEST(Locate, MedianErrorWithTwoObservers) {
  const Errors e = median_errors(22, 2000, 2, 2);
  const Errors pure = median_errors(22, 2000, 2, 2, {}, {.default_band_prior = false});
  std::printf("2 observers: median error %.0f m (without prior %.0f m, plain intersection %.0f m)\n",
              e.fix_m, pure.fix_m, e.plain_m);
  EXPECT_LE(e.fix_m, 1200);
  EXPECT_LT(e.fix_m, 0.9 * pure.fix_m);
}

// The same events, observers and bearing noise (same seed), once with 3 km range bands.
TEST(Locate, RangeBandsMakeTheFixBetter) {
  for (int obs : {2, 3}) {
    const Errors without = median_errors(23, 2000, obs, obs, {.bands = false});
    const Errors with = median_errors(23, 2000, obs, obs, {.bands = true});
    std::printf("%d observers: median error %.0f m without bands, %.0f m with\n", obs, without.fix_m,
                with.fix_m);
    EXPECT_LT(with.fix_m, without.fix_m) << obs << " observers";
  }
}

// A 2-D Gaussian holds 39.3 % of its mass within 1σ (Mahalanobis) and 86.5 % within 2σ.
TEST(Locate, EllipseCoverageIsHonest) {
  for (bool bands : {false, true}) {
    Rng rng(bands ? 32 : 31);
    const int trials = 4000;
    int in1 = 0, in2 = 0;
    for (int i = 0; i < trials; ++i) {
      const Trial t = make_trial(rng, 2 + i % 4, {.bands = bands});
      const double m2 = mahalanobis2(locate_trial(t), t.truth);
      in1 += m2 <= 1, in2 += m2 <= 4;
    }
    const double f1 = double(in1) / trials, f2 = double(in2) / trials;
    std::printf("coverage%s: %.1f %% inside 1σ, %.1f %% inside 2σ\n", bands ? " with bands" : "",
                100 * f1, 100 * f2);
    // Bands are wider than their truth (half-width as σ, against width/√12 for a uniform range),
    // which pushes coverage up with them; it must still stay within the bars.
    EXPECT_GE(f1, 0.30) << "bands " << bands;
    EXPECT_LE(f1, 0.50) << "bands " << bands;
    EXPECT_GE(f2, 0.80) << "bands " << bands;
    EXPECT_LE(f2, 0.92) << "bands " << bands;
  }
}

TEST(Locate, EllipseAxesAreOrderedAndAzimuthInHalfCircle) {
  Rng rng(41);
  for (int i = 0; i < 1000; ++i) {
    const Fix f = locate_trial(make_trial(rng, 1 + i % 4, {.bands = i % 3 == 0}));
    ASSERT_TRUE(f.ok);
    EXPECT_GE(f.err.major_m, f.err.minor_m);
    EXPECT_GT(f.err.minor_m, 0);
    EXPECT_GE(f.err.azimuth_deg, 0);
    EXPECT_LT(f.err.azimuth_deg, 180);
  }
}

// One heard bearing without a band: the event's default band (1–9 km for an explosion, 0–8 km for
// a heard shot) stands in for the range, so the fix sits at its middle with the ellipse along the bearing.
// Without the prior option too: nothing else fixes the distance.
TEST(Locate, LoneBearingUsesTheDefaultBandAlongIt) {
  for (const auto& [event, mid, half] : {std::tuple{"explosion", 5000.0, 4000.0}, {"shot", 4000.0, 4000.0}})
  for (bool prior : {true, false}) {
    Sighting s;
    s.event = event, s.mode = "heard";
    s.observer = kNear, s.bearing_deg = 300, s.bearing_sigma_deg = 10;
    const Fix f = locate({&s}, {.default_band_prior = prior});
    ASSERT_TRUE(f.ok);
    EXPECT_NEAR(geo::distance_m(kNear, f.pos), mid, 1) << event;
    EXPECT_NEAR(azimuth(kNear, f.pos), 300, 0.01) << event;
    EXPECT_NEAR(f.err.azimuth_deg, 120, 0.1) << event;  // 300° lies on the same axis as 120°
    EXPECT_NEAR(f.err.major_m, half, 1) << event;
    EXPECT_NEAR(f.err.minor_m, mid * 10 * kDeg, 1) << event;
  }
}

TEST(Locate, BearingWithBandSitsInTheBand) {
  Sighting s;
  s.event = "explosion";
  s.observer = kNear, s.bearing_deg = 40, s.bearing_sigma_deg = 3;  // not a compass point
  s.range_min_m = 3000, s.range_max_m = 6000;
  const Fix f = locate({&s});
  EXPECT_NEAR(geo::distance_m(kNear, f.pos), 4500, 1);
  EXPECT_NEAR(f.err.azimuth_deg, 40, 0.1);
  EXPECT_NEAR(f.err.major_m, 1500, 1);
  EXPECT_NEAR(f.err.minor_m, 4500 * 3 * kDeg, 1);
  // On a 16-point compass point ("NE") the bearing carries the sector's quantisation too.
  s.bearing_deg = 45;
  EXPECT_NEAR(locate({&s}).err.minor_m, 4500 * std::hypot(3, 22.5 / std::sqrt(12)) * kDeg, 1);
}

// Two patrols 500 m apart, both seeing an event 6 km off: their bearings differ by under 5°, about
// one and a half bearing σ. The fix must say so with a long ellipse, and still hold the truth.
TEST(Locate, NearlyParallelBearingsGiveALongEllipse) {
  Rng rng(51);
  const int trials = 1000;
  int in2 = 0, long_ones = 0;
  double worst_from_centre = 0;
  for (int i = 0; i < trials; ++i) {
    const double off_m = rng.uniform(0, 5000);  // drawn first: argument order is the compiler's
    const geo::LonLat truth = geo::destination(kNear, rng.uniform(0, 360), off_m);
    const double look = rng.uniform(0, 360);  // direction from the patrols to the event
    const geo::LonLat mid = geo::destination(truth, look + 180, 6000);
    std::vector<Sighting> ss(2);
    for (int k = 0; k < 2; ++k) {
      ss[k].event = "explosion", ss[k].mode = "saw", ss[k].bearing_sigma_deg = 3;
      ss[k].observer = geo::destination(mid, look + (k ? 90 : -90), 250);
      ss[k].bearing_deg = std::fmod(azimuth(*ss[k].observer, truth) + rng.normal(3) + 360, 360.0);
    }
    const Fix f = locate(ptrs(ss));
    ASSERT_TRUE(f.ok);
    long_ones += f.err.major_m > 5 * f.err.minor_m;
    in2 += mahalanobis2(f, truth) <= 4;
    worst_from_centre = std::max(worst_from_centre, geo::distance_m(mid, f.pos));
  }
  std::printf("nearly parallel: %.1f %% with major > 5·minor, %.1f %% inside 2σ, farthest fix %.0f m\n",
              100.0 * long_ones / trials, 100.0 * in2 / trials, worst_from_centre);
  EXPECT_GE(long_ones, trials * 95 / 100);
  EXPECT_GE(in2, trials * 70 / 100);  // the linearised ellipse is too small when noise shortens the crossing
  EXPECT_LE(worst_from_centre, LocateOptions{}.max_distance_m + 1);
}

// Bearings that diverge (crossing behind the observers) do not send the fix to infinity. Without
// the prior it stops at the cap, and the ellipse there is enormous; with it, it stays within the
// default band, the ellipse still far longer along the bearings than across.
TEST(Locate, DivergingBearingsStopAtTheCapWithAHugeEllipse) {
  Sighting a, b;
  a.event = b.event = "explosion";
  a.observer = kNear, b.observer = geo::destination(kNear, 90, 500);
  a.bearing_deg = 358, b.bearing_deg = 2, a.bearing_sigma_deg = b.bearing_sigma_deg = 3;
  const geo::LonLat centre = geo::destination(kNear, 90, 250);

  const Fix f = locate({&a, &b}, {.default_band_prior = false});
  ASSERT_TRUE(f.ok);
  const double from_centre = geo::distance_m(centre, f.pos);
  std::printf("diverging, no prior: fix %.0f m out, ellipse %.0f × %.0f m\n", from_centre, f.err.major_m,
              f.err.minor_m);
  EXPECT_GT(from_centre, 20'000);
  EXPECT_LE(from_centre, 30'001);
  EXPECT_GT(f.err.major_m, 10'000);
  EXPECT_LT(std::abs(std::remainder(f.err.azimuth_deg, 180.0)), 5);  // along the bearings: north

  const Fix p = locate({&a, &b});
  std::printf("diverging, prior: fix %.0f m out, ellipse %.0f × %.0f m\n", geo::distance_m(centre, p.pos),
              p.err.major_m, p.err.minor_m);
  EXPECT_LT(geo::distance_m(centre, p.pos), 9000);
  EXPECT_GT(p.err.major_m, 5 * p.err.minor_m);
  EXPECT_LT(std::abs(std::remainder(p.err.azimuth_deg, 180.0)), 5);
}

TEST(Locate, ObserversWithoutBearingGiveTheirCentreAndAWideCircle) {
  Sighting a, b;
  a.event = b.event = "explosion";
  a.observer = kNear, b.observer = geo::destination(kNear, 0, 2000);
  const Fix f = locate({&a, &b});
  ASSERT_TRUE(f.ok);
  EXPECT_NEAR(geo::distance_m(kNear, f.pos), 1000, 0.01);
  EXPECT_NEAR(f.err.major_m, 9000, 1e-6);
  EXPECT_NEAR(f.err.minor_m, 9000, 1e-6);
}

}  // namespace
}  // namespace truceline::monitor
