#include "commands/vm_firmware.h"

#include <filesystem>
#include <utility>

namespace qc::commands {
namespace {

// Code and variable store come in matching pairs (4 MiB flash first: what
// Debian's ovmf builds by default).
constexpr std::pair<const char*, const char*> kOvmf[] = {
    {"/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"},
    {"/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"},
};

}  // namespace

bool PrepareFirmware(const Context& ctx, const std::string& vm, qc::vm::VmSpec* spec,
                     std::string* error) {
  if (ctx.project.vms.at(vm).guest.firmware != "uefi") {
    return true;
  }
  namespace fs = std::filesystem;
  for (const auto& [code, vars] : kOvmf) {
    if (!fs::exists(code) || !fs::exists(vars)) {
      continue;
    }
    const std::string copy = ctx.layout.VmDir(vm) + "/efi-vars.fd";
    std::error_code ec;
    if (!fs::exists(copy) && !fs::copy_file(vars, copy, fs::copy_options::skip_existing, ec)) {
      *error = "vm '" + vm + "': cannot copy " + vars + " to " + copy + ": " + ec.message();
      return false;
    }
    fs::permissions(copy, fs::perms::owner_read | fs::perms::owner_write, ec);
    spec->set_firmware_code(code);
    spec->set_firmware_vars(copy);
    return true;
  }
  *error = "vm '" + vm +
           "': firmware: uefi needs OVMF (/usr/share/OVMF/OVMF_CODE_4M.fd); "
           "install it, e.g. `sudo apt install ovmf`";
  return false;
}

}  // namespace qc::commands
