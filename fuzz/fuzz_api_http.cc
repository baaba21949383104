// The API's request path: the fuzz input is the raw bytes a client sends — request line, headers,
// body, perhaps several pipelined requests — to a real cpp-httplib server in this process, with
// server::Api mounted over a SQLite store in a scratch directory and the default plan. Each input
// goes over its own loopback connection, which the client half-closes after sending; the server
// must answer and close, never crash or hang (libFuzzer's -timeout catches a hang).
//
// The store holds one fixed token per role, so that seeds reach past authentication:
// "Bearer tl_fuzz_<role>" for observer, contingent (of "uk"), analyst and admin.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "fuzz_support.h"
#include "index/locator.h"
#include "server/api.h"
#include "store/store.h"

namespace {

using namespace truceline;

struct Service {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<index::Locator> locator;
  std::unique_ptr<server::Api> api;
  httplib::Server http;
  int port = -1;

  Service() {
    store = store::open_store((fuzz::scratch_dir() / "record.sqlite").string());
    for (const char* role : {"observer", "contingent", "analyst", "admin"})
      store->add_token(store::sha256_hex(std::string("tl_fuzz_") + role),
                       {std::string("fuzz-") + role, role, std::string(role) == "contingent" ? "uk" : ""});
    locator = std::make_unique<index::Locator>(fuzz::default_map());
    server::ApiOptions opt;
    opt.rate_per_s = 1e9;  // the fuzzer is one token sending as fast as it can
    api = std::make_unique<server::Api>(fuzz::default_map(), *locator, *store, opt);
    api->mount(http);
    http.set_read_timeout(2, 0);
    http.set_write_timeout(2, 0);
    port = http.bind_to_any_port("127.0.0.1");
    std::thread([this] { http.listen_after_bind(); }).detach();
    while (!http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
};

// Sends `data`, half-closes, reads the answer to its end.
void exchange(int port, const uint8_t* data, size_t size) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return;
  }
  for (size_t sent = 0; sent < size;) {
    const ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early on a refused request
    sent += static_cast<size_t>(n);
  }
  shutdown(fd, SHUT_WR);
  char buf[16384];
  while (recv(fd, buf, sizeof buf, 0) > 0) {
  }
  close(fd);
}

}  // namespace

// Never destroyed: its worker threads live as long as the process.
static Service* g_service = nullptr;

// The plan is compiled and the server started before the first input, outside libFuzzer's
// per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_service = new Service;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  exchange(g_service->port, data, size);
  return 0;
}
