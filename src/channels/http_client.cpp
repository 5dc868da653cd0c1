#include "cxgate/channels/http_client.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "curl_transfer.hpp"

// How libcurl's multi interface maps onto the io_context (see curl's "multi_socket" docs):
//  - CURLMOPT_SOCKETFUNCTION tells us which socket curl wants watched for what. Each socket
//    gets a posix::stream_descriptor wrapped around curl's own fd (no dup) and one
//    async_wait per direction; readiness becomes curl_multi_socket_action(fd, IN/OUT/ERR).
//    curl owns the fd: the descriptor is release()d, never closed, when curl says
//    CURL_POLL_REMOVE (curl does so before it closes a socket) and, as a safety net, in
//    CURLOPT_CLOSESOCKETFUNCTION, so epoll never keeps a stale registration for a fd
//    number that the kernel hands out again.
//  - CURLMOPT_TIMERFUNCTION drives one steady_timer; on expiry socket_action(TIMEOUT).
//  - After every socket_action, curl_multi_info_read is drained and finished transfers are
//    completed: their easy handle is removed and freed, and the waiting coroutine is woken
//    by cancelling the transfer's never-expiring timer, which posts its resumption, so user
//    code never runs inside our callbacks.
// Everything runs on the io_context's one thread; nothing here locks.

namespace cxgate::channels {

namespace {

using error_code = boost::system::error_code;

using detail::error_text;
using detail::global_init;
using detail::invalid_input;
using detail::prepare_http;
using detail::prepare_mail;
using detail::to_response;
using detail::Transfer;

asio::awaitable<void> wait_until_finished(Transfer& t) {
    while (!t.finished) {
        error_code ec;
        co_await t.done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace

struct HttpClient::Impl {
    // A socket curl asked us to watch. The descriptor wraps curl's fd without owning it.
    struct Socket {
        Socket(asio::io_context& io, curl_socket_t fd) : descriptor(io), fd(fd) {}
        ~Socket() { forget(); }
        // Deregisters from epoll and cancels the waits, leaving the fd open for curl.
        void forget() {
            removed = true;
            if (descriptor.is_open()) descriptor.release();
        }
        asio::posix::stream_descriptor descriptor;
        curl_socket_t fd;
        int wanted = 0;                         // CURL_POLL_IN/OUT/INOUT as curl last said
        bool reading = false, writing = false;  // an async_wait is outstanding
        bool removed = false;
    };

    Impl(asio::io_context& io, long max_connections) : io(io), timer(io), multi(curl_multi_init()) {
        if (!multi) throw std::runtime_error("curl_multi_init failed");
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
        curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_connections);
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connections);
    }

    // Transfers still running are removed from curl and completed with an error; queued
    // Asio handlers find `alive` expired and do nothing.
    ~Impl() {
        alive.reset();
        auto running = std::move(transfers);
        transfers.clear();
        for (auto& [easy, t] : running) {
            curl_multi_remove_handle(multi, easy);
            t->code = CURLE_ABORTED_BY_CALLBACK;
            std::snprintf(t->error, sizeof t->error, "HttpClient destroyed during the transfer");
            complete(*t);
        }
        // Closes the cached connections, through on_close_socket while `sockets` still exists.
        curl_multi_cleanup(multi);
        for (auto& [fd, socket] : sockets) socket->forget();
    }

    // Hands a prepared transfer to curl; completes it at once if curl refuses.
    void start(const std::shared_ptr<Transfer>& t) {
        curl_easy_setopt(t->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
        curl_easy_setopt(t->easy, CURLOPT_CLOSESOCKETDATA, this);
        transfers[t->easy] = t;
        if (CURLMcode mc = curl_multi_add_handle(multi, t->easy); mc != CURLM_OK) {
            transfers.erase(t->easy);
            t->code = CURLE_FAILED_INIT;
            std::snprintf(t->error, sizeof t->error, "%s", curl_multi_strerror(mc));
            complete(*t);
        }
        // curl_multi_add_handle asked for a 0 ms timeout; the transfer starts from there.
    }

    // The transfer is out of the multi handle: free curl's side, wake the coroutine.
    static void complete(Transfer& t) {
        // Pre-transfer is reached once connected (and TLS is done), just before the
        // request is written; REQUEST_SIZE is only filled in on success, so it cannot tell.
        curl_off_t pretransfer = 0;
        if (t.easy &&
            curl_easy_getinfo(t.easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK)
            t.request_sent = pretransfer > 0;
        t.free_handles();
        t.finished = true;
        t.done.cancel();  // posts the coroutine's resumption; nothing runs inline
    }

    void finish(CURL* easy, CURLcode code) {
        auto it = transfers.find(easy);
        curl_multi_remove_handle(multi, easy);
        if (it == transfers.end()) return;  // cannot happen: every easy handle is ours
        auto t = std::move(it->second);
        transfers.erase(it);
        t->code = code;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->response_code);
        complete(*t);
    }

    void socket_action(curl_socket_t fd, int events) {
        int running = 0;
        curl_multi_socket_action(multi, fd, events, &running);
        // Every finished transfer leaves a message; missing one would leave its caller
        // waiting forever.
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* easy = msg->easy_handle;  // copy before removal frees the message
            CURLcode code = msg->data.result;
            finish(easy, code);
        }
    }

    void watch(const std::shared_ptr<Socket>& s, asio::posix::descriptor_base::wait_type type) {
        const bool read = type == asio::posix::descriptor_base::wait_read;
        (read ? s->reading : s->writing) = true;
        std::weak_ptr<Impl> weak = alive;
        s->descriptor.async_wait(type, [weak, s, read, type](const error_code& ec) {
            (read ? s->reading : s->writing) = false;
            auto self = weak.lock();
            if (!self || s->removed || ec == asio::error::operation_aborted) return;
            const int direction = read ? CURL_POLL_IN : CURL_POLL_OUT;
            if (!(s->wanted & direction)) return;  // curl changed its mind meanwhile
            self->socket_action(
                s->fd, ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
            // The action may have removed this socket or already re-armed it via on_socket.
            if (!s->removed && (s->wanted & direction) && !(read ? s->reading : s->writing))
                self->watch(s, type);
        });
    }

    static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
        auto* self = static_cast<Impl*>(userp);
        if (what == CURL_POLL_REMOVE) {
            self->forget(fd);
            return 0;
        }
        auto& s = self->sockets[fd];
        if (!s) {
            s = std::make_shared<Socket>(self->io, fd);
            error_code ec;
            s->descriptor.assign(fd, ec);
            if (ec) {
                self->sockets.erase(fd);
                return -1;  // curl fails the transfer
            }
        }
        s->wanted = what;
        if ((what & CURL_POLL_IN) && !s->reading)
            self->watch(s, asio::posix::descriptor_base::wait_read);
        if ((what & CURL_POLL_OUT) && !s->writing)
            self->watch(s, asio::posix::descriptor_base::wait_write);
        return 0;
    }

    void forget(curl_socket_t fd) {
        if (auto it = sockets.find(fd); it != sockets.end()) {
            it->second->forget();
            sockets.erase(it);
        }
    }

    // curl says CURL_POLL_REMOVE before closing a socket it watched; this catches any other
    // path, so the fd is out of epoll before its number can be reused.
    static int on_close_socket(void* clientp, curl_socket_t fd) {
        static_cast<Impl*>(clientp)->forget(fd);
        return ::close(fd);
    }

    static int on_timer(CURLM*, long timeout, void* userp) {
        auto* self = static_cast<Impl*>(userp);
        const unsigned generation = ++self->timer_generation;
        if (timeout < 0) {
            self->timer.cancel();
            return 0;
        }
        std::weak_ptr<Impl> weak = self->alive;
        if (timeout == 0) {
            // "As soon as possible, but not from inside this callback", asked by every
            // curl_multi_add_handle: a posted handler, not a timer. Arming the steady timer
            // reprogrammed the reactor's timerfd each time, a syscall that cost 13% of the
            // daemon's CPU in bench/dispatch (a VM exit to set the host's timer).
            self->timer.cancel();
            asio::post(self->io, [weak, generation] {
                auto self = weak.lock();
                if (!self || generation != self->timer_generation) return;
                self->socket_action(CURL_SOCKET_TIMEOUT, 0);
            });
            return 0;
        }
        self->timer.expires_after(std::chrono::milliseconds(timeout));
        self->timer.async_wait([weak, generation](const error_code& ec) {
            auto self = weak.lock();
            // A handler that already completed when curl moved the deadline is stale.
            if (!self || ec == asio::error::operation_aborted ||
                generation != self->timer_generation)
                return;
            self->socket_action(CURL_SOCKET_TIMEOUT, 0);
        });
        return 0;
    }

    asio::io_context& io;
    asio::steady_timer timer;
    unsigned timer_generation = 0;
    CURLM* multi;
    std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
    std::unordered_map<CURL*, std::shared_ptr<Transfer>> transfers;
    // Handlers hold weak_ptrs to this non-owning pointer: they can tell the Impl is gone.
    std::shared_ptr<Impl> alive{this, [](Impl*) {}};
};

HttpClient::HttpClient(asio::io_context& io, long max_connections) {
    global_init();
    impl_ = std::make_unique<Impl>(io, max_connections);
}

HttpClient::~HttpClient() = default;

size_t HttpClient::in_flight() const {
    return impl_->transfers.size();
}

// After the co_await these coroutines touch only their Transfer, never `this`: the client
// may have been destroyed while they waited.
asio::awaitable<HttpResponse> HttpClient::request(HttpRequest request) {
    auto t = std::make_shared<Transfer>(impl_->io);
    if (!t->easy) {
        t->code = CURLE_FAILED_INIT;
        co_return to_response(*t);
    }
    if (auto error = prepare_http(*t, request); !error.empty()) {
        HttpResponse r;
        r.curl_code = invalid_input;
        r.error = std::move(error);
        co_return r;
    }
    impl_->start(t);
    co_await wait_until_finished(*t);
    co_return to_response(*t);
}

asio::awaitable<MailResult> HttpClient::send_mail(MailMessage message) {
    auto t = std::make_shared<Transfer>(impl_->io);
    MailResult result;
    if (!t->easy) {
        result.curl_code = CURLE_FAILED_INIT;
        result.error = curl_easy_strerror(CURLE_FAILED_INIT);
        co_return result;
    }
    if (auto error = prepare_mail(*t, message); !error.empty()) {
        result.curl_code = invalid_input;
        result.error = std::move(error);
        co_return result;
    }
    impl_->start(t);
    co_await wait_until_finished(*t);
    result.curl_code = static_cast<int>(t->code);
    result.smtp_code = t->response_code;
    if (t->code != CURLE_OK) result.error = error_text(*t);
    co_return result;
}

}  // namespace cxgate::channels
