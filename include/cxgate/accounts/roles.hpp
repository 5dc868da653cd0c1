#pragma once
// Who sees what. A dashboard user is a Viewer: an admin sees everything and manages the
// users, a manager sees every result, a team lead the results of their team, a staff member
// their own. Results are narrowed by the report parameters the API already takes (staff=,
// team=), so a scoped view is the same report anyone could ask for, and the rules live here
// once for the dashboard, the API and the downloads.
#include <map>
#include <optional>
#include <set>
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/store/users.hpp"

namespace cxgate::accounts {

struct Viewer {
    std::int64_t user_id = 0;
    std::string email;
    store::Role role = store::Role::staff;
    std::string staff_id;           // lead, staff: who they are in the staff directory
    std::set<std::string> may_see;  // lead, staff: the staff ids whose results they may see
    std::string locale;
};

// The viewer of a user under the configuration's staff directory: a lead may see the staff
// whose `lead:` they are and themselves; a staff member themselves.
Viewer viewer_of(const store::UserRow& user, const config::Config& config);

// Every result, unscoped (admin, manager).
bool sees_everything(const Viewer& viewer);
bool manages_users(const Viewer& viewer);

// Why the viewer may not read results under these parameters, or nothing when they may:
// then `parameters` is narrowed to what they may see (a lead without staff= or team= gets
// team=<their id>, a staff member staff=<their id>). A lead may ask for one of their staff
// or their own team, a staff member for themselves; anything else is refused, never
// silently widened or emptied.
std::optional<std::string> narrow(const Viewer& viewer,
                                  std::map<std::string, std::string>& parameters);

// Reports that cannot be narrowed to a person (comment themes, sales, retention, targets):
// for those who see everything.
std::optional<std::string> needs_everything(const Viewer& viewer);

}  // namespace cxgate::accounts
