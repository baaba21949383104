#include "store/log_integrator.h"

namespace truceline::store {

LogIntegrator::LogIntegrator(std::function<int64_t(size_t)> step, std::chrono::milliseconds poll,
                             std::chrono::milliseconds gap)
    : step_(std::move(step)), poll_(poll), gap_(gap), thread_([this] { loop(); }) {}

LogIntegrator::~LogIntegrator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  catch_up();
}

void LogIntegrator::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void LogIntegrator::run_until_done() {
  std::lock_guard<std::mutex> lock(step_mu_);
  while (step_(kBatch) == static_cast<int64_t>(kBatch)) {
  }
}

void LogIntegrator::flush() { run_until_done(); }

void LogIntegrator::catch_up() {
  std::string failure;
  try {
    run_until_done();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::lock_guard<std::mutex> lock(mu_);
  error_ = failure;
}

std::string LogIntegrator::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

void LogIntegrator::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
    lock.unlock();
    std::string failure;
    try {
      run_until_done();
    } catch (const std::exception& e) {
      // Kept for health reports; the next round tries again (a busy database, a lost connection).
      failure = e.what();
    }
    lock.lock();
    error_ = failure;
    cv_.wait_for(lock, gap_, [this] { return stopping_; });
  }
}

}  // namespace truceline::store
