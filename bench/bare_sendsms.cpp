// The baseline for bench/kannel: a bare libcurl multi client that makes the same sendsms
// requests cxgate's kannel channel makes (GET, username, password, to, from, text, dlr-mask
// 27 and a dlr-url) to the same Kannel smsbox, with the same concurrency, and nothing else:
// no database, no scheduling, no state. A request counts when smsbox answers 202 (or 200)
// with "0: Accepted for delivery" or "3: Queued for later delivery". Prints
// "sent N in S seconds, failed F".
//
// usage: bench_bare_sendsms SENDSMS_URL USERNAME PASSWORD COUNT CONCURRENCY TEXT DLR_URL
// DLR_URL is where Kannel reports delivery (a loopback sink); the message number follows it.
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Slot {
    CURL* easy = nullptr;
    std::string url;
    std::string response;
};

size_t on_data(char* data, size_t size, size_t count, void* userp) {
    static_cast<Slot*>(userp)->response.append(data, size * count);
    return size * count;
}

std::string encode(CURL* easy, const std::string& s) {
    char* out = curl_easy_escape(easy, s.data(), static_cast<int>(s.size()));
    std::string r(out);
    curl_free(out);
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 8) {
        std::cerr << "usage: bench_bare_sendsms SENDSMS_URL USERNAME PASSWORD COUNT CONCURRENCY "
                     "TEXT DLR_URL\n";
        return 2;
    }
    const std::string sendsms = argv[1], username = argv[2], password = argv[3];
    const long count = std::stol(argv[4]);
    const int concurrency = std::stoi(argv[5]);
    const std::string text = argv[6], dlr_url = argv[7];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));

    std::vector<Slot> slots(static_cast<size_t>(concurrency));
    long started = 0, done = 0, failed = 0;
    auto start_one = [&](Slot& slot) {
        if (!slot.easy) slot.easy = curl_easy_init();
        char to[32];
        std::snprintf(to, sizeof to, "+3584%08ld", started % 100000000);
        slot.url = sendsms + "?username=" + encode(slot.easy, username) +
                   "&password=" + encode(slot.easy, password) + "&to=" + encode(slot.easy, to) +
                   "&from=12345&text=" + encode(slot.easy, text) + "&dlr-mask=27&dlr-url=" +
                   encode(slot.easy, dlr_url + "?id=bare-" + std::to_string(started) +
                                         "&status=%d&smsc=%i&answer=%A");
        slot.response.clear();
        curl_easy_setopt(slot.easy, CURLOPT_URL, slot.url.c_str());
        curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(slot.easy, CURLOPT_WRITEDATA, &slot);
        curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
        curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
        curl_multi_add_handle(multi, slot.easy);
        ++started;
    };

    const auto t0 = std::chrono::steady_clock::now();
    for (auto& slot : slots)
        if (started < count) start_one(slot);
    while (done < count) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            Slot* slot = nullptr;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            const bool accepted =
                (status == 202 || status == 200) &&
                (slot->response.rfind("0:", 0) == 0 || slot->response.rfind("3:", 0) == 0);
            if (msg->data.result != CURLE_OK || !accepted) {
                if (!failed) std::cerr << "refused: " << status << " " << slot->response << "\n";
                ++failed;
            }
            curl_multi_remove_handle(multi, msg->easy_handle);
            ++done;
            if (started < count) start_one(*slot);
        }
        if (done < count) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "sent " << done << " in " << seconds << " seconds, failed " << failed << std::endl;
    for (auto& slot : slots)
        if (slot.easy) curl_easy_cleanup(slot.easy);
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
