#pragma once
// Which program this is, for the compiled-plan cache: a plan compiled by one build of truceline is
// reused only by that same build, since a change to the compiler can change every zone.
#include <string>

namespace truceline::compiled {

// The GNU build id the linker put in this executable (hex), which changes whenever any of its code
// does; when there is none, the executable's path, size and modification time. Computed once.
const std::string& build_id();

}  // namespace truceline::compiled
