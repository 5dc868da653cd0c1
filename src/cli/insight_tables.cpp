// Text tables of the insight reports (insight_tables.hpp).
#include "insight_tables.hpp"

#include <cstdio>

namespace cxgate::cli {

namespace {

// "41.0 ± 7.2", "41.0" without a margin (n < 2), "-" without a figure.
std::string figure_text(const nlohmann::json& f) {
    if (f.is_null()) return "-";
    char text[64];
    if (f["margin"].is_null())
        std::snprintf(text, sizeof text, "%.1f", f["value"].get<double>());
    else
        std::snprintf(text, sizeof text, "%.1f ± %.1f", f["value"].get<double>(),
                      f["margin"].get<double>());
    return text;
}

std::string text_of(const nlohmann::json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

// A customer's words on an operator's terminal: control characters (an escape sequence
// could rewrite the screen) become spaces.
std::string printable(std::string text) {
    for (auto& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return text;
}

// One line: printf-formatted, so the columns line up.
template <typename... Args>
void line(std::ostream& out, const char* format, Args... args) {
    char buffer[512];
    std::snprintf(buffer, sizeof buffer, format, args...);
    out << buffer << "\n";
}

}  // namespace

void compare_table(std::ostream& out, const nlohmann::json& c) {
    out << "before " << text_of(c["before"]["since"]) << " .. " << text_of(c["before"]["until"])
        << ", after " << text_of(c["after"]["since"]) << " .. " << text_of(c["after"]["until"])
        << "\n";
    for (const auto& row : c["rows"])
        line(out, "%-20s %-6s %-14s n %d -> %d  %s -> %s  %s", text_of(row["step"]).c_str(),
             text_of(row["metric"]).c_str(), text_of(row["figure"]).c_str(),
             row["n_before"].get<int>(), row["n_after"].get<int>(),
             figure_text(row["before"]).c_str(), figure_text(row["after"]).c_str(),
             text_of(row["verdict"]).c_str());
    if (c["rows"].empty()) out << "(no answers in either period)\n";
}

void sales_table(std::ostream& out, const nlohmann::json& sales, const std::string& by) {
    const std::string cell = by.empty() ? "cell" : by;
    line(out, "%-24s %6s %5s %5s  %-16s %-20s %s", cell.c_str(), "leads", "won", "lost",
         "win rate %", "value won", "experience");
    for (const auto& row : sales["rows"]) {
        std::string name = text_of(row[cell]);
        if (row.contains(cell + "_name") && row[cell + "_name"].is_string())
            name += " (" + row[cell + "_name"].get<std::string>() + ")";
        std::string value;
        for (const auto& [currency, amount] : row["value_won"].items()) {
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "%s%.2f %s", value.empty() ? "" : ", ",
                          amount.get<double>(),
                          currency.empty() ? "(no currency)" : currency.c_str());
            value += buffer;
        }
        std::string experience;
        for (const auto& e : row["experience"])
            experience += (experience.empty() ? "" : "; ") + text_of(e["flow"]) + " " +
                          text_of(e["metric"]) + " " + figure_text(e["figure"]) + " (n " +
                          std::to_string(e["n"].get<int>()) + ")";
        line(out, "%-24s %6d %5d %5d  %-16s %-20s %s", name.c_str(), row["leads"].get<int>(),
             row["won"].get<int>(), row["lost"].get<int>(), figure_text(row["win_rate"]).c_str(),
             value.empty() ? "-" : value.c_str(), experience.empty() ? "-" : experience.c_str());
    }
    if (sales["rows"].empty()) out << "(no sales events in the period)\n";
}

void win_rates_table(std::ostream& out, const nlohmann::json& win_rates) {
    for (const auto& step : win_rates["steps"]) {
        out << text_of(step["flow"]) << " / " << text_of(step["step"]) << " ("
            << text_of(step["metric"]) << ")\n";
        for (const auto& a : step["answers"])
            line(out, "  %-16s %5d deals %5d won  win rate %s", text_of(a["answer"]).c_str(),
                 a["deals"].get<int>(), a["won"].get<int>(), figure_text(a["win_rate"]).c_str());
        if (step.contains("difference"))
            out << "  " << text_of(step["difference"]["verdict"]) << "\n";
    }
    if (win_rates["steps"].empty()) out << "(no closed deal with an answer before its outcome)\n";
}

void retention_table(std::ostream& out, const nlohmann::json& r) {
    std::string events;
    for (const auto& e : r["events"]) events += (events.empty() ? "" : ", ") + text_of(e);
    out << "returned: " << events << " within " << r["within_days"].get<int>()
        << " days of the win\n";
    auto group = [&](const nlohmann::json& g) {
        line(out, "%-16s %6d customers %6d returned  %s %%", text_of(g["group"]).c_str(),
             g["customers"].get<int>(), g["returned"].get<int>(), figure_text(g["share"]).c_str());
    };
    group(r["everyone"]);
    for (const auto& g : r["by_nps"]) group(g);
    out << text_of(r["difference"]["verdict"]) << "\n";
    if (r["pending"].get<int>() > 0)
        out << r["pending"].get<int>() << " more won within the last "
            << r["within_days"].get<int>() << " days: not counted until their window closes\n";
}

void themes_table(std::ostream& out, const nlohmann::json& t) {
    out << t["comments"].get<int>()
        << (t["comments"].get<int>() == 1 ? " comment\n" : " comments\n");
    line(out, "%-16s %8s  %-14s %s", "theme", "mentions", "share %", "among them");
    for (const auto& theme : t["themes"]) {
        std::string figures;
        for (const auto& f : theme["figures"])
            figures += (figures.empty() ? "" : "; ") + text_of(f["flow"]) + " " +
                       text_of(f["metric"]) + " " + figure_text(f["figure"]) + " (n " +
                       std::to_string(f["n"].get<int>()) + ")";
        line(out, "%-16s %8d  %-14s %s", text_of(theme["theme"]).c_str(),
             theme["mentions"].get<int>(), figure_text(theme["share"]).c_str(),
             figures.empty() ? "-" : figures.c_str());
    }
    const int unmatched = t["unmatched_total"].get<int>();
    out << unmatched << (unmatched == 1 ? " comment matches" : " comments match") << " no theme";
    out << (t["unmatched"].empty() ? "\n" : ", the latest:\n");
    for (const auto& c : t["unmatched"])
        out << "  #" << c["survey"].get<long long>() << " " << text_of(c["step"]) << " ["
            << text_of(c["locale"]) << "] " << (c["score"].is_null() ? "-" : c["score"].dump())
            << ": " << printable(text_of(c["comment"])) << "\n";
}

void targets_table(std::ostream& out, const nlohmann::json& t) {
    for (const auto& flow : t["flows"]) {
        out << text_of(flow["flow"]) << ", week " << text_of(flow["week"]) << "\n";
        line(out, "  %-20s %-6s %8s  %-16s %-18s %-16s %s", "step", "metric", "target", "figure",
             "4 weeks before", "change", "outcome");
        for (const auto& c : flow["targets"]) {
            char target[32];
            std::snprintf(target, sizeof target, "%.1f", c["target"].get<double>());
            const std::string figure =
                figure_text(c["figure"]) + " (n " + std::to_string(c["n"].get<int>()) + ")";
            const std::string previous = figure_text(c["previous"]) + " (n " +
                                         std::to_string(c["n_previous"].get<int>()) + ")";
            line(out, "  %-20s %-6s %8s  %-16s %-18s %-16s %s", text_of(c["step"]).c_str(),
                 text_of(c["metric"]).c_str(), target, figure.c_str(), previous.c_str(),
                 figure_text(c["change"]).c_str(), text_of(c["outcome"]).c_str());
        }
    }
    if (t["flows"].empty()) out << "(no step has a target)\n";
}

}  // namespace cxgate::cli
