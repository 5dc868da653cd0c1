#include "cxgate/cli/commands.hpp"

int main(int argc, char** argv) {
    return cxgate::cli::run(argc, argv);
}
