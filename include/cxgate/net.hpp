#pragma once
// The one place that includes Asio's coroutine support.
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>;
// with g++ 12 it must come first, so include sorting is switched off here.
// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cxgate {
namespace asio = boost::asio;
}
