// The baseline for bench/dispatch: a bare libcurl multi client that posts the same
// Twilio send requests cxgate's twilio channel makes (form body, Basic auth, JSON answer
// parsed for the sid) to the same sink, with the same concurrency, and nothing else:
// no database, no scheduling, no state. Prints "sent N in S seconds".
#include <curl/curl.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

struct Slot {
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;
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
    if (argc != 5) {
        std::cerr << "usage: bench_bare_dispatch URL COUNT CONCURRENCY BODY_TEXT\n";
        return 2;
    }
    const std::string url = argv[1];
    const long count = std::stol(argv[2]);
    const int concurrency = std::stoi(argv[3]);
    const std::string text = argv[4];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM* multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));

    std::vector<Slot> slots(static_cast<size_t>(concurrency));
    long started = 0, done = 0, failed = 0;
    auto start_one = [&](Slot& slot) {
        if (!slot.easy) {
            slot.easy = curl_easy_init();
            slot.headers = curl_slist_append(
                nullptr, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
            slot.headers = curl_slist_append(slot.headers, "Accept: application/json");
        }
        char to[32];
        std::snprintf(to, sizeof to, "+3584%08ld", started % 100000000);
        slot.body = "To=" + encode(slot.easy, to) + "&Body=" + encode(slot.easy, text) +
                    "&From=%2B358450000001&StatusCallback=" +
                    encode(slot.easy, "http://127.0.0.1:1/webhooks/sms/status");
        slot.response.clear();
        curl_easy_setopt(slot.easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, slot.headers);
        curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDS, slot.body.c_str());
        curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(slot.body.size()));
        curl_easy_setopt(slot.easy, CURLOPT_USERPWD, "ACbench:token");
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
            auto json = nlohmann::json::parse(slot->response, nullptr, false);
            if (msg->data.result != CURLE_OK || status != 201 || !json.contains("sid")) ++failed;
            curl_multi_remove_handle(multi, msg->easy_handle);
            ++done;
            if (started < count) start_one(*slot);
        }
        if (done < count) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "sent " << done << " in " << seconds << " seconds, failed " << failed << std::endl;
    for (auto& slot : slots) {
        if (slot.easy) curl_easy_cleanup(slot.easy);
        curl_slist_free_all(slot.headers);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
