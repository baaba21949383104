// Signed reports the way docs/log.md tells a device to make them: WebCrypto Ed25519 in Node.js
// (tests/js/sign_envelope.mjs), the key registered with `token create --public-key`, the envelopes
// posted to a live `serve`, which stores them and refuses the same token's unsigned report.
#include <gtest/gtest.h>

#include <fstream>

#include "integration/log_support.h"

namespace truceline::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(SignedReportTest, EnvelopesSignedWithWebCryptoAreStoredAndUnsignedOnesRefused) {
  const fs::path dir = scratch_dir("signed-report");
  const fs::path obs = dir / "observations.jsonl";
  {
    std::ofstream out(obs);
    for (int i = 0; i < 3; ++i) out << log_observation("signed", i).dump() << "\n";
  }
  const RunResult signed_out = run_shell("node tests/js/sign_envelope.mjs < '" + obs.string() + "'", dir);
  ASSERT_EQ(signed_out.code, 0) << signed_out.err << " (node is installed by scripts/setup.sh)";
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = signed_out.out.find('\n', at)) != std::string::npos; at = nl + 1)
    lines.push_back(signed_out.out.substr(at, nl - at));
  ASSERT_EQ(lines.size(), 4u) << signed_out.out;

  const fs::path db = dir / "record.sqlite";
  const RunResult tok = run_cli("token create --db '" + db.string() + "' --role observer --name tablet-7 --public-key " + lines[0], dir);
  ASSERT_EQ(tok.code, 0) << tok.err;
  const std::string token = last_line(tok.out);
  Process server({"serve", "--plan", (root() / "plans/kellogg-2025-04.toml").string(), "--db", db.string(), "--listen", "127.0.0.1:0"},
                 dir / "serve.out");
  const int port = served_port(server.wait_for("http://"));
  httplib::Client c("127.0.0.1", port);
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};

  json batch = json::array();
  for (size_t i = 1; i < lines.size(); ++i) batch.push_back(json::parse(lines[i]));
  auto r = c.Post("/v1/observations", auth, batch.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = json::parse(r->body)["ids"][0];

  r = c.Post("/v1/observations", auth, log_observation("unsigned", 0).dump(), "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "signature_required") << r->body;

  r = c.Get("/v1/observations/" + id, auth);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json rec = json::parse(r->body);
  EXPECT_EQ(rec["signed"]["envelope"], batch[0]);
  EXPECT_EQ(rec["observation"]["source_ref"], "signed-0");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::testing
