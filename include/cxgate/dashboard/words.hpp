#pragma once
// The dashboard's words in Finnish, Swedish and English. A user's language is their own
// setting (cxgate user add --locale), else the browser's first of fi/sv/en, else English.
#include <string>
#include <string_view>

namespace cxgate::dashboard {

enum class Lang { fi, sv, en };

Lang pick_language(const std::string& user_locale, std::string_view accept_language);
std::string_view code(Lang lang);

struct Words {
    const char* product;  // the title of every page
    const char* log_in;
    const char* log_out;
    const char* email;
    const char* password;
    const char* wrong_login;
    const char* too_many_logins;
    const char* busy;
    const char* forbidden;
    const char* journey;
    const char* drill_down;
    const char* flow;
    const char* period;
    const char* last_28_days;
    const char* step;
    const char* answers;  // n
    const char* response_rate;
    const char* trend_12_weeks;
    const char* change;  // against the previous period
    const char* vs_previous;
    const char* target;
    const char* target_met;
    const char* target_missed;
    const char* no_answers;
    const char* not_distinguishable;  // a change within its margin of error
    const char* sales;
    const char* leads;
    const char* won;
    const char* lost;
    const char* win_rate;
    const char* by;
    const char* staff;
    const char* team;
    const char* segment;
    const char* channel;
    const char* outcome;
    const char* download;
    const char* margin_note;  // what ± means
    const char* your_view;    // followed by the scope: "your own results", ...
    const char* everything;
    const char* your_team;
    const char* your_results;
    const char* markers;
    const char* compare;  // the before/after page of a marker
    const char* before;
    const char* after;
    const char* difference;
    const char* better;
    const char* worse;
    const char* responses;
    const char* alerts;
    const char* when;
    const char* customer;
    const char* score;
    const char* comment;
    const char* older;
    const char* nothing_yet;
    const char* alerts_note;  // what the inbox holds
    const char* themes;
    const char* theme;
    const char* mentions;
    const char* share;
    const char* no_theme;  // comments that mention no configured theme
    // The alerts inbox: each alert's handling and the link to its page.
    const char* handling;
    const char* alert_open;
    const char* alert_acknowledged;
    const char* alert_resolved;
    const char* handle;
};

const Words& words(Lang lang);

}  // namespace cxgate::dashboard
