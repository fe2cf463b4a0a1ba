// A PythonRuntime shared by the tests of one suite: making its snapshot
// starts CPython (~0.3 s, seconds under the sanitizers), so once per suite.
#pragma once

#include <gtest/gtest.h>

#include "sandbox/python_home.h"
#include "sandbox/python_runtime.h"

namespace warden::sandbox {

class SharedRuntimeTest : public ::testing::Test {
 protected:
  static void startRuntime(std::vector<std::string> preload) {
    engine_ = new Engine();
    auto runtime = PythonRuntime::create(*engine_, {.home = locatePythonHome(std::nullopt), .preload = std::move(preload)});
    ASSERT_TRUE(runtime) << runtime.error().message();
    runtime_ = runtime->release();
  }
  static void TearDownTestSuite() {
    delete runtime_;
    delete engine_;
    runtime_ = nullptr;
    engine_ = nullptr;
  }
  static inline Engine* engine_ = nullptr;
  static inline PythonRuntime* runtime_ = nullptr;
};

}  // namespace warden::sandbox
