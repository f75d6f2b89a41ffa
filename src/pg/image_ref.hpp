#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgu::pg {

// A Docker image reference split as dokku-postgres splits it: repository and tag.
struct ImageRef {
  std::string repository; // "postgres", "postgis/postgis", "registry:5000/team/pg"
  std::string tag;        // "17.10", "15-3.3"

  std::string full() const { return repository + ":" + tag; }
  // The last path component: "postgis" for "postgis/postgis".
  std::string short_name() const;
  // The major version dokku-postgres derives from the tag: its leading digits (contract §1.7).
  std::optional<int> tag_major() const;
};

// Docker's reference grammar (distribution/reference): lowercase path components separated by
// single separators, an optional registry host[:port], tags of word characters, dots and dashes.
bool is_valid_repository(std::string_view repository);
bool is_valid_tag(std::string_view tag);

// Throws a usage error naming the bad part.
ImageRef parse_image_ref(std::string_view repository, std::string_view tag);

std::optional<int> leading_major(std::string_view version);

// "PostgreSQL 17.10" or "postgres (PostgreSQL) 17.10 (Debian 17.10-1)" → 17; 9.6 → 9.
std::optional<int> major_from_version_text(std::string_view text);

} // namespace pgu::pg
