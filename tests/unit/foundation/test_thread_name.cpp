#include <doctest/doctest.h>

#include <pthread.h>

#include <string>
#include <thread>

#include "cxgate/foundation/thread_name.hpp"

namespace {

// The name the kernel holds for the calling thread (what top -H and perf show).
std::string own_name() {
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    return name;
}

std::string named_in_a_thread(const char* name) {
    std::string seen;
    std::thread t([&] {
        cxgate::name_this_thread(name);
        seen = own_name();
    });
    t.join();
    return seen;
}

}  // namespace

TEST_CASE("a thread takes the name it is given, cut at the kernel's 15 characters") {
    CHECK(named_in_a_thread("db-writer") == "db-writer");
    // pthread_setname_np alone refuses a longer name and leaves the old one.
    CHECK(named_in_a_thread("config-loader-with-a-long-name") == "config-loader-w");
}
