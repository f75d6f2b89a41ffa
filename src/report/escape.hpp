#pragma once

#include <string>
#include <string_view>

namespace pgu::report {

// Every byte sequence that is not well-formed UTF-8 (overlong forms, surrogates, code points
// above U+10FFFF, truncated sequences) becomes U+FFFD, one per bad byte, so that JSON and XML
// readers accept whatever a command printed.
std::string valid_utf8(std::string_view text);

// Text for XML character data: & < > as entities, a carriage return as &#13; (a parser
// would turn it into a newline), and characters XML 1.0 cannot hold at all (control
// characters other than tab, newline and carriage return, U+FFFE, U+FFFF) as U+FFFD.
// Expects valid UTF-8 (see valid_utf8).
std::string xml_text(std::string_view text);

// Text for an XML attribute value in either quote: as xml_text, plus " and ' as entities and
// tab and newline as character references, which attribute normalisation would otherwise
// turn into spaces.
std::string xml_attribute(std::string_view text);

// Text for a Markdown table cell or the inside of a line (CommonMark, GitHub Flavored
// Markdown): every character with a meaning inside a line (emphasis, code, links, inline HTML,
// entities, cell borders, strikethrough, math) is backslash-escaped, and a line break becomes
// a space, so the text renders as it is and stays in its cell. Not for the start of a line,
// where '#', '-' or '1.' would start a block.
std::string markdown_escape(std::string_view text);

// The backtick fence for a code block holding `content`: three backticks, or one more than
// the longest run of backticks in it.
std::string markdown_fence(std::string_view content);

} // namespace pgu::report
