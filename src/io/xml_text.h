#pragma once
// Text inside XML (SVG, HTML, CoT): one escaping for every writer of it.
#include <string>
#include <string_view>

namespace truceline::io {

// Text for XML content and attribute values: & < > " ' as entities; control characters XML 1.0
// cannot hold (all below 0x20 but tab, newline and return) become spaces; invalid UTF-8 (and
// U+FFFE, U+FFFF) becomes U+FFFD, so that the document always parses whatever the record held.
std::string xml_escape(std::string_view s);

}  // namespace truceline::io
