#pragma once
// `cxgate outbox`: the messages sent or queued, read straight from the database (the
// sandbox's delivery). `--html` writes a sandbox email's HTML part to a file to open in a
// browser, whose score buttons answer the running daemon; `--eml` writes the whole email
// for a mail client. Both show the email kept when it was sent (store/delivered_emails.hpp),
// never one built again.
#include <cstdint>
#include <optional>
#include <string>

namespace cxgate::cli {

struct OutboxOptions {
    std::string config_file, db_override;
    std::string program = "cxgate";  // as invoked, for the commands it suggests
    std::string to, kind;            // filters
    int limit = 50;
    bool json = false;
    std::optional<std::int64_t> id;  // one message (with --html/--eml: that one)
    bool html = false;               // write the HTML part of the email
    bool eml = false;                // write the whole email (RFC 5322)
    std::string out;                 // where (default beside the database; "-": stdout)
};

int outbox_command(const OutboxOptions& options);

}  // namespace cxgate::cli
