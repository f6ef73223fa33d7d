// BuildCloudConfig: the login user, hostname, environment and provision
// steps as cloud-config modules.
#include <string>

#include "seed/seed_files.h"
#include "tools/shell_words.h"

namespace qc::seed {
namespace {

using Json = nlohmann::ordered_json;

const std::string kProvisionDir = std::string(kGuestDir) + "/provision";

Json WriteFile(const std::string& path, const std::string& content, const std::string& mode) {
  Json f = Json::object();
  f["path"] = path;
  f["content"] = content;
  f["owner"] = "root:root";
  f["permissions"] = mode;
  return f;
}

// Runs every step in order, each with sh, stopping at the first failure;
// cloud-init's runcmd runs it once per instance. The outcome goes to
// provision/status and the console.
std::string ProvisionRunner(bool has_environment) {
  std::string s =
      "#!/bin/sh\n"
      "# Written by qemu-compose: runs the compose file's provision steps once, in order.\n"
      "dir=" +
      kProvisionDir +
      "\n"
      "export HOME=/root\n"
      "cd /\n";
  if (has_environment) {
    s += ". " + std::string(kGuestDir) + "/environment.sh\n";
  }
  s += "for step in \"$dir\"/step-*.sh; do\n"
       "  echo \"qemu-compose: provision: $step\"\n"
       "  /bin/sh \"$step\"\n"
       "  rc=$?\n"
       "  if [ \"$rc\" != 0 ]; then\n"
       "    echo \"failed: $step exited with $rc\" >\"$dir/status\"\n"
       "    echo \"qemu-compose: provision: $step failed with exit code $rc\"\n"
       "    exit \"$rc\"\n"
       "  fi\n"
       "done\n"
       "echo ok >\"$dir/status\"\n";
  return s;
}

std::string StepName(std::size_t index) {
  std::string n = std::to_string(index + 1);
  return "step-" + std::string(n.size() < 3 ? 3 - n.size() : 0, '0') + n + ".sh";
}

void AddLogin(const SeedInput& in, CloudConfig* cc) {
  Json keys = Json::array({in.public_key});
  if (in.login_user == "root") {
    // No extra user: root itself takes the key (cloud-init would otherwise
    // refuse root logins with its "please login as" prefix).
    cc->Set("users", Json::array(), nullptr);
    cc->Set("disable_root", false, nullptr);
    cc->Set("ssh_authorized_keys", keys, nullptr);
  } else {
    Json user = Json::object();
    user["name"] = in.login_user;
    user["shell"] = "/bin/bash";
    user["sudo"] = "ALL=(ALL) NOPASSWD:ALL";
    user["lock_passwd"] = true;
    user["ssh_authorized_keys"] = keys;
    cc->Set("users", Json::array({user}), nullptr);
  }
  cc->Set("ssh_pwauth", false, nullptr);
  // One host key type: generating RSA/DSA/ECDSA keys takes tens of seconds
  // on an emulated CPU, and every OpenSSH client accepts ed25519.
  cc->Set("ssh_genkeytypes", Json::array({"ed25519"}), nullptr);
}

void AddEnvironment(const SeedInput& in, CloudConfig* cc) {
  if (in.environment.empty()) {
    return;
  }
  // pam_env reads /etc/environment for every login (ssh, exec); the shell
  // form is for the provision steps.
  std::string pam = "# qemu-compose environment\n";
  std::string sh;
  for (const auto& [key, value] : in.environment) {
    pam.append(key).append("=").append(value).append("\n");
    sh.append("export ").append(key).append("=").append(tools::ShellQuote(value)).append("\n");
  }
  Json env = WriteFile("/etc/environment", pam, "0644");
  env["append"] = true;
  cc->Append("write_files", env);
  cc->Append("write_files", WriteFile(std::string(kGuestDir) + "/environment.sh", sh, "0644"));
}

void AddProvision(const SeedInput& in, CloudConfig* cc) {
  if (in.provision.empty()) {
    return;
  }
  for (std::size_t i = 0; i < in.provision.size(); ++i) {
    cc->Append("write_files",
               WriteFile(kProvisionDir + "/" + StepName(i), in.provision[i], "0700"));
  }
  cc->Append("write_files",
             WriteFile(kProvisionDir + "/run", ProvisionRunner(!in.environment.empty()), "0700"));
  cc->Append("runcmd", Json::array({kProvisionDir + "/run"}));
}

}  // namespace

bool BuildCloudConfig(const SeedInput& in, CloudConfig* out, std::string* error) {
  CloudConfig cc;
  cc.Set("hostname", in.vm, nullptr);
  cc.Set("fqdn", in.vm + "." + in.project + ".qc", nullptr);
  cc.Set("prefer_fqdn_over_hostname", false, nullptr);
  cc.Set("manage_etc_hosts", true, nullptr);
  AddLogin(in, &cc);
  AddEnvironment(in, &cc);
  AddProvision(in, &cc);
  if (!cc.Merge(in.cloud_config, error)) {
    return false;
  }
  *out = std::move(cc);
  return true;
}

}  // namespace qc::seed
