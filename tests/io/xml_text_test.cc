// Escaping for XML writers (SVG, HTML, CoT): markup, quotes, what XML 1.0 cannot hold, bad UTF-8.
#include "io/xml_text.h"

#include <gtest/gtest.h>

namespace truceline::io {
namespace {

TEST(XmlText, EscapesMarkupQuotesControlsAndBadUtf8) {
  EXPECT_EQ(xml_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_escape(std::string("x\x01y\tz\n", 6)), "x y\tz\n");
  EXPECT_EQ(xml_escape("Запоріжжя 1σ"), "Запоріжжя 1σ");
  EXPECT_EQ(xml_escape("\xff\xc3"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate, one U+FFFD per byte
}

}  // namespace
}  // namespace truceline::io
