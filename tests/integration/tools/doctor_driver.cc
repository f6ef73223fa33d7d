// Test driver: runs `doctor` (qc::tools::RunDoctor) without the full CLI, so
// the integration test does not depend on the rest of the frontend.
//   qc-doctor-driver HELPER RUNNER [--json]
#include <cstring>
#include <iostream>

#include "tools.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: qc-doctor-driver HELPER RUNNER [--json]\n";
    return 2;
  }
  qc::tools::DoctorOptions options;
  options.helper_path = argv[1];
  options.runner_path = argv[2];
  options.json = argc > 3 && std::strcmp(argv[3], "--json") == 0;
  return qc::tools::RunDoctor(options);
}
