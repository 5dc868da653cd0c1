// The provider stand-in for bench/dispatch: a Beast server on one io_context thread that
// answers every request as Twilio's Messages API answers a send (201 with a JSON message
// resource carrying a fresh sid). cxgate's twilio channel and the bare libcurl client
// post to it in turn, so both pay the same server-side cost.
#include <cstdio>

#include "loopback_server.hpp"

int main(int argc, char** argv) {
    unsigned long long sent = 0;
    return bench::serve(argc, argv, "bench_provider_sink", [&sent](const bench::Request& req) {
        char sid[40];
        std::snprintf(sid, sizeof sid, "SM%032llx", ++sent);
        bench::Response res{bench::http::status::created, req.version()};
        res.set(bench::http::field::content_type, "application/json");
        res.body() = std::string(R"({"sid":")") + sid +
                     R"(","status":"queued","error_code":null,"num_segments":"1"})";
        res.prepare_payload();
        return res;
    });
}
