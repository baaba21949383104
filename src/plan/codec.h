#pragma once
// The plan's part of a compiled plan file (docs/plan-format.md, "The compiled plan"): the Plan as
// parsed, with its layer paths as resolved, and everything the compiler built into the ZoneMap —
// area, zones, lines, settlements, seams, fragments and the warnings it gave. Geometry goes as WKB,
// so that a map read back has the very doubles of the one written.
//
// The encoding follows the structs field by field in declaration order; a field added to Plan or
// ZoneMap must be added here and the file's version (compiled/plan_file.h) raised.
#include "io/binary.h"
#include "plan/zone_map.h"

namespace truceline::plan {

void write_plan(io::ByteWriter& w, const Plan& p);
Plan read_plan(io::ByteReader& r);

void write_zone_map(io::ByteWriter& w, const ZoneMap& map);
// A new ZoneMap with its own geometry context. Throws io::DecodeError or GeometryError when the
// bytes are not a map written by write_zone_map.
ZoneMap read_zone_map(io::ByteReader& r);

}  // namespace truceline::plan
