#pragma once
// Names the calling thread as `top -H`, `ps -L`, perf and gdb show it, so an operator can
// tell which of the daemon's threads is busy: the event loop keeps the process's name
// (cxgate), the others say what they do (db-writer, db-reader, config-loader).

namespace cxgate {

// At most 15 characters are kept (the kernel's limit); a longer name is cut there.
void name_this_thread(const char* name);

}  // namespace cxgate
