#pragma once
// Tools for flow authors and operations: `cxgate check`, `cxgate simulate` and `cxgate import`.
#include <string>

namespace cxgate::cli {

// Loads the configuration and checks every message it can send; prints each problem with
// its file:line:column and a summary. 0 when there is no error, 1 otherwise.
int check(const std::string& file);

struct SimulateOptions {
    std::string config_file;
    std::string flow;         // a flow name or its file; empty: every flow
    std::string events_file;  // JSON lines
    std::string from;         // ISO 8601 start of the simulated clock; empty: first event
    std::string horizon = "90d";
    bool json = false;  // one JSON object per line instead of the text timeline
};

// Runs the daemon's own planning and scheduling code against an in-memory database
// with a simulated clock and prints the timeline. Nothing is sent or written.
int simulate(const SimulateOptions& options);

struct ImportOptions {
    std::string config_file;
    std::string input;     // events.csv or events.jsonl
    std::string url;       // daemon base URL; empty: from server.listen
    double rate = 50;      // events per second
    bool restart = false;  // ignore the state file and start at the first row
};

// Posts events from a CSV or JSON-lines file to a running daemon. See docs/flow-tools.md.
int import_events(const ImportOptions& options);

}  // namespace cxgate::cli
