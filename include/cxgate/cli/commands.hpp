#pragma once
// The `cxgate` command line: one function per subcommand, each returning the exit code.
namespace cxgate::cli {
int run(int argc, char** argv);
}  // namespace cxgate::cli
