#pragma once
// Which claimed messages had their request started, so that recovery after a process
// crash can tell "claimed but never sent" (safe to send) from "sent, answer lost"
// (never sent again).
//
// A message is claimed ('sending', committed) before its request, and claims run ahead
// of free request slots so the database's commit latency is not paid inside a slot.
// Just before a request starts its id is appended here with write(2) and no fsync: a
// `kill -9` or crash of the process leaves the kernel's page cache, and so this file,
// intact. An OS crash or power loss may lose it; recovery then trusts nothing here
// (the boot id changed) and treats every 'sending' message as possibly sent.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>

namespace cxgate::channels {

class InFlightJournal {
  public:
    InFlightJournal() = default;
    ~InFlightJournal();
    InFlightJournal(const InFlightJournal&) = delete;
    InFlightJournal& operator=(const InFlightJournal&) = delete;

    // Starts a new, empty journal at path (after recovery has read the old one).
    bool open(const std::string& path);
    void started(std::int64_t id);
    void finished(std::int64_t id);

    // The ids whose request started, or nullopt when the file is missing or unreadable.
    static std::optional<std::unordered_set<std::int64_t>> read(const std::string& path);
    // This boot of the machine (/proc/sys/kernel/random/boot_id); "" when unknown.
    static std::string boot_id();

  private:
    void rewrite();

    std::string path_;
    int fd_ = -1;
    std::unordered_set<std::int64_t> open_;  // started, result not yet recorded
    std::size_t lines_ = 0;
};

}  // namespace cxgate::channels
