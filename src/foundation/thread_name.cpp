#include "cxgate/foundation/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace cxgate {

void name_this_thread(const char* name) {
    // pthread_setname_np refuses (ERANGE) a name over 15 characters rather than cutting it.
    const std::string kept(name, std::min<size_t>(std::strlen(name), 15));
    pthread_setname_np(pthread_self(), kept.c_str());
}

}  // namespace cxgate
