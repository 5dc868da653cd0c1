// Who sees what (roles.hpp).
#include "cxgate/accounts/roles.hpp"

namespace cxgate::accounts {

Viewer viewer_of(const store::UserRow& user, const config::Config& config) {
    Viewer v;
    v.user_id = user.id;
    v.email = user.email;
    v.role = user.role;
    v.staff_id = user.staff_id;
    v.locale = user.locale;
    if (user.staff_id.empty()) return v;
    v.may_see.insert(user.staff_id);
    if (user.role == store::Role::lead)
        for (const auto& [id, member] : config.staff)
            if (member.lead == user.staff_id) v.may_see.insert(id);
    return v;
}

bool sees_everything(const Viewer& viewer) {
    return viewer.role == store::Role::admin || viewer.role == store::Role::manager;
}

bool manages_users(const Viewer& viewer) {
    return viewer.role == store::Role::admin;
}

std::optional<std::string> narrow(const Viewer& viewer,
                                  std::map<std::string, std::string>& parameters) {
    if (sees_everything(viewer)) return std::nullopt;
    if (viewer.staff_id.empty())
        return "this account is not linked to a staff member (cxgate user add --staff-id)";
    auto value = [&](const char* name) {
        auto it = parameters.find(name);
        return it == parameters.end() ? std::string() : it->second;
    };
    const auto staff = value("staff"), team = value("team");
    if (!staff.empty() && !viewer.may_see.count(staff))
        return "staff: you may see only " +
               std::string(viewer.role == store::Role::lead ? "your team's" : "your own") +
               " results";
    if (!team.empty() && (viewer.role != store::Role::lead || team != viewer.staff_id))
        return "team: you may see only " +
               std::string(viewer.role == store::Role::lead ? "your own team" : "your own results");
    if (!staff.empty() || !team.empty()) return std::nullopt;
    if (viewer.role == store::Role::lead)
        parameters["team"] = viewer.staff_id;
    else
        parameters["staff"] = viewer.staff_id;
    return std::nullopt;
}

std::optional<std::string> needs_everything(const Viewer& viewer) {
    if (sees_everything(viewer)) return std::nullopt;
    return "this view is for managers";
}

}  // namespace cxgate::accounts
