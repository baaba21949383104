#pragma once
// The dashboard's static files (web/, built by `make web`) at `/` of `truceline serve`. They are
// public, like any page's code: the data behind them is what the API's tokens guard.

#include <filesystem>
#include <optional>
#include <string>

#include "http/router.h"

namespace truceline::server {

// Where the built dashboard is looked for when `serve` is given no --web: beside the binary
// (`<exe dir>/web`, for an installed tree), then `<exe dir>/../web/dist` (a build directory in the
// source tree), then the source tree the binary was built from. The first holding an index.html
// wins; nullopt when none does.
std::optional<std::filesystem::path> find_dashboard(const std::filesystem::path& exe_dir);

// Serves the files under `dir` at `/` (`/` answers index.html), with content types by extension
// and `Cache-Control: no-cache` so a rebuilt dashboard is picked up on reload. With no `dir`, `/`
// answers 404 with a page saying how to build the dashboard; the API is unaffected either way.
// Returns false when `dir` is given but holds no index.html.
bool mount_dashboard(http::Router& router, const std::optional<std::filesystem::path>& dir);

}  // namespace truceline::server
