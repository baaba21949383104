#pragma once
// Where an event was, from what its observers said: the least-squares intersection of their
// bearings (with range bands and given positions as further measurements) on a local tangent
// plane, and its 1σ error ellipse from the covariance of the solution.
//
// Bad geometry — nearly parallel bearings — shows as a long, thin ellipse along the bearings, not
// as a confident point: the covariance comes from the same normal equations as the solution.
//
// Plane: an azimuthal equidistant projection (GeographicLib) centred on the mean of the observers
// and given positions. Distances from its centre are exact; within 30 km of it, other distances are
// off by under 4 parts in 10⁶ (4 cm per 10 km) and angles by under 0.001°, far below what observers
// report. Tests: noise-free bearings from random observers give back the event within 5 cm.
//
// Accuracy: the returned position is the weighted least-squares minimum to within 1 cm (the
// Gauss–Newton steps stop below that); the ellipse is the linearised 1σ covariance at it, so it
// describes a Gaussian error honestly when the stated σ are right and the geometry is not extreme
// (tests: the truth lies inside it for about 41 % of fixes, inside twice it for about 85 %, where a
// Gaussian puts 39 % and 86 %).
//
// Thread safety: locate() is a pure function; call it from any number of threads.
#include <vector>

#include "monitor/incident.h"

namespace truceline::monitor {

struct LocateOptions {
  int max_iterations = 10;  // DEFAULT: 10 Gauss–Newton steps (bearings are non-linear in position)
  // The fix never moves further than this from the centre of the observers and given positions:
  // bearings that are nearly parallel, or diverge through noise, would otherwise send it towards
  // infinity. A fix held at the cap gets the (huge) ellipse of that point.
  // DEFAULT: 30 km, beyond what patrols hear or see.
  double max_distance_m = 30'000;
  // Every bearing without a range band gets its event's default band (below) as a range
  // measurement: a weak prior (σ 4 km for an explosion) that the data overrule wherever they fix
  // the distance, and that reins in the crossings of bearings meeting at a shallow angle, where
  // the fix is most wrong and its linearised ellipse least honest. With two heard-or-seen
  // bearings it brings the median error from about 1.2 km to 0.93 km, and over 2–5 observers the
  // share of truths inside twice the ellipse from 80 % to 85 % (locate_test). The price is a bias when the
  // bearings are exact but meet at a shallow angle; turn it off to get the pure least-squares
  // crossing. DEFAULT: true.
  bool default_band_prior = true;
};

// The 1σ of a sighting's bearing as locate() and the correlator use it: its stated σ, widened by
// the quantisation of a 16-point compass direction (22.5° sectors, σ = 22.5°/√12 ≈ 6.5°, added in
// quadrature) when the bearing lies on one of the 16 points. A report of "ENE" reaches the model
// as a bearing of 67.5°, but the event may lie anywhere within ±11.25° of it before the observer's
// own error. A measured bearing that happens to fall on a point (1 in 225 at 0.1° resolution) gets
// the wider σ too, which costs little.
double bearing_sigma_deg(const Sighting& s);

// Fix from one or more sightings of the same event. A sighting with a given position counts as
// a position measurement; one with observer + bearing as a bearing measurement, plus a range
// measurement (middle of the band, σ = half its width) when it has a band.
//
// The default band is place()'s (docs/observations.md): 0–2 km for shot, burst, armour, troops
// and uav, 1–9 km for the rest; middle and half-width as for a given band. Even without
// default_band_prior, bearings all from one place (within 100 m) with no band and no given
// position get it, since nothing else fixes the distance along them: the ellipse is then long
// along the bearing rather than the fix failing.
// Sightings with observers but no bearing and no given position among them: the observers'
// centre, with a circle whose radius is the widest band (given or default) as 1σ.
//
// ok = false when the sightings hold no position, no bearing and no observer.
Fix locate(const std::vector<const Sighting*>& sightings, const LocateOptions& opt = {});

}  // namespace truceline::monitor
