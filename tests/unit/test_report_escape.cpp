#include "report/escape.hpp"

#include <doctest/doctest.h>

using namespace pgu::report;

TEST_CASE("valid_utf8 keeps well-formed text and replaces each bad byte with U+FFFD")
{
  CHECK(valid_utf8("plain ascii") == "plain ascii");
  CHECK(valid_utf8("→ café ✅ 𝄞") == "→ café ✅ 𝄞");
  CHECK(valid_utf8("a\xff" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");          // overlong '/'
  CHECK(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
  CHECK(valid_utf8("\xF4\x90\x80\x80").find('\xF4') == std::string::npos); // above U+10FFFF
  CHECK(valid_utf8("ok\xE2\x82") == "ok\xEF\xBF\xBD\xEF\xBF\xBD");      // truncated at the end
  CHECK(valid_utf8(std::string_view("nul\0byte", 8)) == std::string("nul\0byte", 8));
}

TEST_CASE("xml_text escapes markup and drops what XML 1.0 cannot hold")
{
  CHECK(xml_text("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d");
  CHECK(xml_text("<![CDATA[x]]>") == "&lt;![CDATA[x]]&gt;");
  CHECK(xml_text("quotes \" and ' stay in text") == "quotes \" and ' stay in text");
  CHECK(xml_text("tab\tline\nend") == "tab\tline\nend");
  CHECK(xml_text("cr\r\n") == "cr&#13;\n");
  CHECK(xml_text(std::string_view("bell\x07 nul\0 esc\x1b", 15)) == "bell\xEF\xBF\xBD nul\xEF\xBF\xBD esc\xEF\xBF\xBD");
  CHECK(xml_text("\xEF\xBF\xBE\xEF\xBF\xBF") == "\xEF\xBF\xBD\xEF\xBF\xBD"); // U+FFFE, U+FFFF
  CHECK(xml_text("é → ✅") == "é → ✅");
  CHECK(xml_text("&amp;") == "&amp;amp;"); // escaping twice is visible, never undone
}

TEST_CASE("xml_attribute also escapes quotes and keeps whitespace through normalisation")
{
  CHECK(xml_attribute(R"(say "hi" & 'bye')") == "say &quot;hi&quot; &amp; &apos;bye&apos;");
  CHECK(xml_attribute("two\nlines\tand\rcr") == "two&#10;lines&#9;and&#13;cr");
  CHECK(xml_attribute("<tag>") == "&lt;tag&gt;");
  CHECK(xml_attribute("\x0b\x0c") == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("markdown_escape keeps text literal inside a line and a table cell")
{
  CHECK(markdown_escape("shop-postgres-17_10") == "shop-postgres-17\\_10");
  CHECK(markdown_escape("a | b") == "a \\| b");
  CHECK(markdown_escape("*bold* `code` [link](x) <b>&amp;") == "\\*bold\\* \\`code\\` \\[link\\](x) \\<b\\>\\&amp;");
  CHECK(markdown_escape("~~strike~~ $x$ back\\slash") == "\\~\\~strike\\~\\~ \\$x\\$ back\\\\slash");
  CHECK(markdown_escape("two\nlines\r\nthree\rfour") == "two lines three four");
  CHECK(markdown_escape("0 3 * * *") == "0 3 \\* \\* \\*");
  CHECK(markdown_escape("17.10 → ok") == "17.10 → ok");
}

TEST_CASE("markdown_fence is longer than any backtick run in the block")
{
  CHECK(markdown_fence("echo hi") == "```");
  CHECK(markdown_fence("a ``` b") == "````");
  CHECK(markdown_fence("`````") == "``````");
}
