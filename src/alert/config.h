#pragma once
// Where alerts go: per contingent a webhook URL and the secret its body is signed with. This is
// operational, not plan content (a plan is shared with the parties; secrets are not), and is read
// from its own file, `truceline serve --alerts alerts.toml`:
//
//   [delivery]                 # optional
//   max_attempts = 5           # DEFAULT: 5 attempts per alert and webhook
//   backoff_ms = 1000          # DEFAULT: 1 s before the 2nd attempt, doubling, at most 5 min
//   timeout_s = 10             # DEFAULT: 10 s to connect, send and read
//
//   [contingents.uk]
//   url = "https://uk.example/hooks/truceline"
//   secret_file = "/etc/truceline/uk.secret"   # or secret = "…"
#include <map>
#include <string>

namespace truceline::alert {

struct Webhook {
  std::string url, secret;
};

struct DeliveryOptions {
  int max_attempts = 5;       // DEFAULT: 5
  int64_t backoff_ms = 1000;  // DEFAULT: 1 s, doubled after each failed attempt
  int64_t max_backoff_ms = 300'000;  // DEFAULT: 5 min
  int timeout_s = 10;         // DEFAULT: 10 s
};

struct AlertConfig {
  DeliveryOptions delivery;
  std::map<std::string, Webhook> contingents;  // party id → webhook
};

// Reads and checks the file; throws InputError naming the file, line and key. A secret_file is
// read relative to the file's folder, trailing newlines dropped.
AlertConfig read_alert_config(const std::string& path);
AlertConfig parse_alert_config(const std::string& text, const std::string& path);

}  // namespace truceline::alert
