#pragma once

#include <string>
#include <string_view>

namespace pgu::host {

// Validation and derived names of Dokku apps and dokku-postgres services (contract §1.4).
bool is_valid_app_name(std::string_view name);
bool is_valid_service_name(std::string_view name);

// dokku.postgres.<S>
std::string service_container(std::string_view service);
// dokku-postgres-<S with . and _ as -> (the link alias and DSN host)
std::string service_dns_host(std::string_view service);
// <S with . and - as _> (the database name create writes to DATABASE_NAME)
std::string service_database(std::string_view service);

// Printable form of untrusted input for error messages: control and non-UTF-8 bytes escaped,
// long values shortened.
std::string printable(std::string_view input);

} // namespace pgu::host
