#pragma once
// Boost.Asio and Boost.Beast, included the same way everywhere. Debian's Boost 1.74 detects C++20
// coroutines for g++ but not for clang++ (the sanitizer build), and its awaitable.hpp uses
// std::exchange without including <utility>; both are made good here, once.
#include <coroutine>
#include <utility>
#ifndef BOOST_ASIO_HAS_CO_AWAIT
#define BOOST_ASIO_HAS_CO_AWAIT 1
#endif
#ifndef BOOST_ASIO_HAS_STD_COROUTINE
#define BOOST_ASIO_HAS_STD_COROUTINE 1
#endif
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
