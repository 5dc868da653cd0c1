// `cxgate outbox` (outbox.hpp): the listing, and a sandbox email written to a file.
#include "cxgate/cli/outbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cxgate/channels/mime_message.hpp"
#include "cxgate/cli/command_support.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace cxgate::cli {

namespace {

std::string outbox_time(store::Seconds t, const std::string& zone) {
    return timing::format_local(timing::TimePoint{std::chrono::seconds{t}},
                                *date::locate_zone(zone));
}

bool is_email(const config::Config& config, const store::MessageRow& m) {
    if (const auto* channel = config.find_channel(m.channel))
        return channel->kind == config::ChannelKind::email;
    return m.address.find('@') != std::string::npos;  // a channel since removed
}

// "cxgate outbox --html 7", with the database options this run was given, so that it can
// be pasted as it is.
std::string html_command(const OutboxOptions& o, std::int64_t id) {
    std::string command = o.program + " outbox --html " + std::to_string(id);
    const char* env = std::getenv("CXGATE_CONFIG");
    if (o.config_file != (env ? env : "cxgate.yaml")) command += " --config " + o.config_file;
    if (!o.db_override.empty()) command += " --db " + o.db_override;
    return command;
}

// Why a message has no email to write: the end of "message #7 ...".
std::string without_email(const config::Config& config, const store::MessageRow& m) {
    const auto* channel = config.find_channel(m.channel);
    const std::string state(store::to_string(m.state));
    if (!is_email(config, m))
        return "is not an email (channel " + m.channel + "): it has no HTML part";
    if (m.address.empty()) return "was erased (cxgate forget, or an anonymous survey closed)";
    if (channel && channel->type != "sandbox")
        return "went out through the " + channel->type + " channel " + m.channel +
               ": the provider has the email, cxgate keeps its text only";
    if (m.state == store::MessageState::queued || m.state == store::MessageState::sending)
        return "has not been sent yet (" + state + "): its email is built when it is sent";
    if (m.state == store::MessageState::failed || m.state == store::MessageState::cancelled)
        return "was never sent (" + state + ")";
    return "was sent before this version of cxgate kept the emails it sends";
}

// file:///abs/path, each segment percent-encoded.
std::string file_url(const std::filesystem::path& path) {
    std::string out = "file://";
    for (const auto& part : std::filesystem::absolute(path).lexically_normal().relative_path())
        out += "/" + url::encode(part.string());
    return out;
}

// The file holds what the message holds (a name, an address): readable by its owner only.
bool write_private(const std::string& path, const std::string& content, std::string* error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = std::strerror(errno);
        return false;
    }
    size_t done = 0;
    while (done < content.size()) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *error = std::strerror(errno);
            ::close(fd);
            return false;
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0) {
        *error = std::strerror(errno);
        return false;
    }
    return true;
}

// --html / --eml: the email kept for the message given, else for the newest message of the
// listing's filters that has one.
int write_email(const config::Config& config, store::Store& db, const std::string& db_path,
                const OutboxOptions& o) {
    std::optional<store::MessageRow> message;
    std::optional<store::DeliveredEmail> email;
    if (o.id) {
        message = db.find_message(*o.id);
        if (!message) {
            std::cerr << "cxgate outbox: no message #" << *o.id << " in " << db_path << "\n";
            return 1;
        }
        email = db.delivered_email(message->id);
        if (!email) {
            std::cerr << "cxgate outbox: message #" << message->id << " "
                      << without_email(config, *message) << "\n";
            return 1;
        }
    } else {
        const auto rows = db.outbox(store::OutboxFilter{o.to, o.kind, o.limit});
        for (auto it = rows.rbegin(); it != rows.rend() && !email; ++it)
            if ((email = db.delivered_email(it->id))) message = *it;
        if (!email) {
            std::cerr << "cxgate outbox: no sandbox email among the newest " << o.limit
                      << " messages" << (o.to.empty() ? "" : " to " + o.to)
                      << (o.kind.empty() ? "" : " of kind " + o.kind)
                      << " (`cxgate outbox` lists them; give a message's id)\n";
            return 1;
        }
    }

    std::string content = email->html;
    if (o.eml) {
        channels::MailMessage mail;
        // `from:` is optional on a sandbox channel; a mail client wants a sender.
        mail.from = email->from.empty() ? "sandbox@cxgate.invalid" : email->from;
        mail.from_name = email->from_name;
        mail.to = {message->address};
        mail.subject = message->subject;
        mail.text = email->text;
        mail.html = email->html;
        mail.headers = email->headers;
        if (auto error = channels::mail_input_error(mail); !error.empty()) {
            std::cerr << "cxgate outbox: message #" << message->id << ": " << error << "\n";
            return 1;
        }
        const std::chrono::system_clock::time_point sent{
            std::chrono::seconds{message->sent_at.value_or(message->created_at)}};
        content = channels::mail_document(mail, sent, "=_cxgate_" + random_hex(12));
    }
    if (o.out == "-") {
        std::cout << content;
        return 0;
    }
    std::filesystem::path file = o.out;
    if (file.empty())
        file = (std::filesystem::path(db_path).parent_path() /
                ("outbox-" + std::to_string(message->id) + (o.eml ? ".eml" : ".html")))
                   .lexically_normal();
    if (std::string error; !write_private(file.string(), content, &error)) {
        std::cerr << "cxgate outbox: cannot write " << file.string() << ": " << error
                  << " (give --out FILE)\n";
        return 1;
    }
    std::cout << "wrote " << file.string() << ": " << (o.eml ? "the email" : "the HTML part")
              << " of message #" << message->id << " (" << message->kind << " to "
              << message->address << ")\n"
              << (o.eml ? "open it in a mail client: " : "open it in a browser: ") << file_url(file)
              << "\n";
    if (message->kind == "survey" || message->kind == "reminder")
        std::cout << "its score buttons link to " << config.server.public_url
                  << " (server.public_url): with the daemon running, a click opens the answer "
                     "page\n";
    std::cout << "the file holds the customer's name and address, out of reach of cxgate "
                 "forget: delete it when done\n";
    return 0;
}

nlohmann::json message_json(store::Store& db, const store::MessageRow& m) {
    nlohmann::json j{{"id", m.id},
                     {"kind", m.kind},
                     {"channel", m.channel},
                     {"to", m.address},
                     {"locale", m.locale},
                     {"state", m.state},
                     {"body", m.body},
                     {"created_at", timing::format_iso8601(
                                        timing::TimePoint{std::chrono::seconds{m.created_at}})}};
    if (m.survey_id) j["survey"] = *m.survey_id;
    if (!m.subject.empty()) j["subject"] = m.subject;
    if (!m.provider_id.empty()) j["provider_id"] = m.provider_id;
    if (!m.error.empty()) j["error"] = m.error;
    if (!m.error_code.empty()) j["error_code"] = m.error_code;
    if (m.attempts) j["attempts"] = m.attempts;
    if (!m.encoding.empty()) j["encoding"] = m.encoding;
    if (m.segments) j["segments"] = *m.segments;
    if (m.next_attempt_at)
        j["next_attempt_at"] =
            timing::format_iso8601(timing::TimePoint{std::chrono::seconds{*m.next_attempt_at}});
    // A sandbox email as sent: its text part (the body and the score links), and whether
    // `--html` has an HTML part to write.
    if (auto email = db.delivered_email(m.id)) {
        j["text_part"] = email->text;
        j["has_html"] = !email->html.empty();
    }
    return j;
}

}  // namespace

int outbox_command(const OutboxOptions& o) {
    auto config = load_or_report(o.config_file);
    if (!config) return 2;
    const std::string path = o.db_override.empty() ? config->store.path : o.db_override;
    std::unique_ptr<store::Store> db;
    try {
        db = std::make_unique<store::SqliteStore>(store::open_for_reading(path));
    } catch (const std::exception& e) {
        std::cerr << "cxgate outbox: " << e.what() << "\n";
        return 1;
    }
    if (o.html || o.eml) return write_email(*config, *db, path, o);

    std::vector<store::MessageRow> rows;
    if (o.id) {
        auto m = db->find_message(*o.id);
        if (!m) {
            std::cerr << "cxgate outbox: no message #" << *o.id << " in " << path << "\n";
            return 1;
        }
        rows.push_back(std::move(*m));
    } else {
        rows = db->outbox(store::OutboxFilter{o.to, o.kind, o.limit});
    }
    if (o.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& m : rows) out.push_back(message_json(*db, m));
        std::cout << json_input::dump(out, 2) << "\n";
        return 0;
    }
    if (rows.empty()) std::cout << "(outbox is empty)\n";
    for (const auto& m : rows) {
        std::cout << "#" << m.id << "  " << outbox_time(m.created_at, config->defaults.timezone)
                  << "  " << m.kind << " via " << m.channel << " to " << m.address << "  ["
                  << store::to_string(m.state) << "]"
                  << (m.survey_id ? "  survey " + std::to_string(*m.survey_id) : "") << "\n";
        if (!m.subject.empty()) std::cout << "    Subject: " << m.subject << "\n";
        std::istringstream body(m.body);
        for (std::string line; std::getline(body, line);) std::cout << "    " << line << "\n";
        if (auto email = db->delivered_email(m.id); email && !email->html.empty())
            std::cout << "    [email with an HTML part"
                      << (m.kind == "survey" || m.kind == "reminder" ? " and score buttons" : "")
                      << "; open it: " << html_command(o, m.id) << "]\n";
    }
    return 0;
}

}  // namespace cxgate::cli
