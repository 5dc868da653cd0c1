// The baseline for bench/ingest: a bare Beast server on one io_context thread that
// reads each request (body included) and answers 204, doing nothing else. cxgate's
// webhook route is measured against it with the same client and the same requests.
#include "loopback_server.hpp"

int main(int argc, char** argv) {
    return bench::serve(argc, argv, "bench_bare_server", [](const bench::Request& req) {
        return bench::Response{bench::http::status::no_content, req.version()};
    });
}
