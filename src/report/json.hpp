#pragma once

#include "report/report.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>

namespace pgu::report {

// The version of docs/report-schema.json the JSON follows. Adding a property keeps it;
// removing, renaming or retyping one bumps it.
constexpr std::int64_t schema_version = 1;

// A plan or run report as JSON (docs/report-schema.json, "kind": "plan" or "run"). Expects a
// cleaned report (see cleaned()).
boost::json::object to_json(const Report& report);

// Back from to_json's shape (a stored report); throws a failure naming what is malformed.
Report report_from_json(const boost::json::value& value);

// to_json, serialised on one line, with a final newline.
std::string render_json(const Report& report);

} // namespace pgu::report
