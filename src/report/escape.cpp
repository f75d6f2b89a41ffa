#include "report/escape.hpp"

#include <algorithm>
#include <cstdint>

namespace pgu::report {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD

constexpr bool is_continuation(unsigned char byte)
{
  return (byte & 0xC0U) == 0x80U;
}

// Length of the well-formed UTF-8 sequence at the start of `text`, 0 if there is none
// (Unicode Table 3-7: the second byte's range depends on the first).
std::size_t sequence_length(std::string_view text)
{
  const auto first = static_cast<unsigned char>(text.front());
  if (first < 0x80U) {
    return 1;
  }
  std::size_t length = 0;
  unsigned char low = 0x80U;
  unsigned char high = 0xBFU;
  if (first >= 0xC2U && first <= 0xDFU) {
    length = 2;
  } else if (first >= 0xE0U && first <= 0xEFU) {
    length = 3;
    low = first == 0xE0U ? 0xA0U : 0x80U;
    high = first == 0xEDU ? 0x9FU : 0xBFU;
  } else if (first >= 0xF0U && first <= 0xF4U) {
    length = 4;
    low = first == 0xF0U ? 0x90U : 0x80U;
    high = first == 0xF4U ? 0x8FU : 0xBFU;
  } else {
    return 0;
  }
  if (text.size() < length) {
    return 0;
  }
  const auto second = static_cast<unsigned char>(text[1]);
  if (second < low || second > high) {
    return 0;
  }
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(static_cast<unsigned char>(text[i]))) {
      return 0;
    }
  }
  return length;
}

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Surrogates never get here (valid UTF-8 has none); what is left are the C0 controls and
// U+FFFE / U+FFFF.
bool is_xml_char(std::string_view sequence)
{
  if (sequence.size() == 1) {
    const auto byte = static_cast<unsigned char>(sequence.front());
    return byte >= 0x20U || byte == '\t' || byte == '\n' || byte == '\r';
  }
  return sequence != "\xEF\xBF\xBE" && sequence != "\xEF\xBF\xBF";
}

std::string xml_escaped(std::string_view text, bool attribute)
{
  std::string result;
  result.reserve(text.size());
  while (!text.empty()) {
    const auto length = std::max<std::size_t>(sequence_length(text), 1);
    const auto sequence = text.substr(0, length);
    text.remove_prefix(length);
    if (!is_xml_char(sequence)) {
      result += replacement;
      continue;
    }
    if (sequence.size() > 1) {
      result += sequence;
      continue;
    }
    switch (sequence.front()) {
    case '&':
      result += "&amp;";
      break;
    case '<':
      result += "&lt;";
      break;
    case '>':
      result += "&gt;";
      break;
    case '\r':
      result += "&#13;";
      break;
    case '"':
      result += attribute ? "&quot;" : "\"";
      break;
    case '\'':
      result += attribute ? "&apos;" : "'";
      break;
    case '\n':
      result += attribute ? "&#10;" : "\n";
      break;
    case '\t':
      result += attribute ? "&#9;" : "\t";
      break;
    default:
      result += sequence;
    }
  }
  return result;
}

} // namespace

std::string valid_utf8(std::string_view text)
{
  std::string result;
  result.reserve(text.size());
  while (!text.empty()) {
    const auto length = sequence_length(text);
    if (length == 0) {
      result += replacement;
      text.remove_prefix(1);
    } else {
      result += text.substr(0, length);
      text.remove_prefix(length);
    }
  }
  return result;
}

std::string xml_text(std::string_view text)
{
  return xml_escaped(text, false);
}

std::string xml_attribute(std::string_view text)
{
  return xml_escaped(text, true);
}

std::string markdown_escape(std::string_view text)
{
  // CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that mean
  // something inside a line: emphasis, code, links and images, inline HTML, entities, table
  // cells, GFM strikethrough and GitHub's $math$.
  constexpr std::string_view special = "\\`*_[]<>|&~$";
  std::string result;
  result.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    }
    if (c == '\n' || c == '\r') {
      result += ' ';
    } else if (special.find(c) != std::string_view::npos) {
      result += '\\';
      result += c;
    } else {
      result += c;
    }
  }
  return result;
}

std::string markdown_fence(std::string_view content)
{
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence;
}

} // namespace pgu::report
