// Spec builders shared by the runner's unit tests.
#pragma once

#include <string>

#include "vmspec.pb.h"

namespace qc::runner::testing {

// A valid direct-boot VM with no NICs under state_root /home/u/p/.qemu-compose.
inline qc::vm::VmSpec MinimalSpec() {
  qc::vm::VmSpec s;
  s.set_name("web");
  s.set_project("demo");
  s.set_state_root("/home/u/p/.qemu-compose");
  s.set_instance_dir("/home/u/p/.qemu-compose/web");
  s.set_cpus(2);
  s.set_memory_mb(512);
  s.set_kernel("/srv/guest/vmlinuz");
  s.set_initrd("/srv/guest/initramfs.gz");
  s.set_cmdline("console=ttyS0 qc.hostname=web");
  return s;
}

inline qc::vm::Nic* AddTapNic(qc::vm::VmSpec* s, const std::string& mac,
                              std::initializer_list<unsigned> fd_indexes) {
  qc::vm::Nic* nic = s->add_nics();
  nic->set_mac(mac);
  nic->set_tap_name("tap-abc123-web");
  nic->set_bridge("qc-abc123-net");
  for (unsigned i : fd_indexes) {
    nic->add_tap_fd_index(i);
  }
  return nic;
}

}  // namespace qc::runner::testing
