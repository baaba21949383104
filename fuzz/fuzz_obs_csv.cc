// Observation CSV, the `truceline incidents` input (formats::read_observations_csv): any bytes
// give sightings or InputError naming the line and column; each sighting writes back as a row.
#include <sstream>

#include "fuzz_support.h"
#include "geo/errors.h"
#include "formats/observations_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(truceline::fuzz::text(data, size));
  try {
    for (const auto& s : truceline::formats::read_observations_csv(in, "fuzz.csv"))
      (void)truceline::formats::observation_csv_row(s);
  } catch (const truceline::InputError&) {
  }
  return 0;
}
