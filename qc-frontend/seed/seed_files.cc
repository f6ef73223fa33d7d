// BuildSeedFiles: network-config, user-data (one part, or MIME multipart
// with the user's own file) and meta-data with the content-derived
// instance-id.
#include "seed/seed_files.h"

#include "naming/digest.h"
#include "seed/user_data_type.h"
#include "seed/yaml_emit.h"

namespace qc::seed {
namespace {

using Json = nlohmann::ordered_json;

// Every NIC matched by its MAC, in NIC order, named eth0, eth1, ... and
// configured by DHCPv4 (dnsmasq on the bridge, or QEMU's user-mode stack).
std::string NetworkConfig(const std::vector<std::string>& macs) {
  Json ethernets = Json::object();
  for (std::size_t i = 0; i < macs.size(); ++i) {
    std::string name = "eth" + std::to_string(i);
    Json nic = Json::object();
    nic["match"] = Json::object({{"macaddress", macs[i]}});
    nic["set-name"] = name;
    nic["dhcp4"] = true;
    ethernets[name] = nic;
  }
  Json doc = Json::object();
  doc["version"] = 2;
  doc["ethernets"] = ethernets;
  return ToYaml(doc);
}

std::string MimePart(const std::string& type, const std::string& filename,
                     const std::string& extra_headers, const std::string& body) {
  std::string part = "Content-Type: " + type + "; charset=\"utf-8\"\n" + "MIME-Version: 1.0\n" +
                     "Content-Transfer-Encoding: 8bit\n" + extra_headers +
                     "Content-Disposition: attachment; filename=\"" + filename + "\"\n\n" + body;
  if (part.back() != '\n') {
    part += '\n';
  }
  return part;
}

// Ours first, then the user's: with this merge type the user's lists add to
// ours (runcmd, users, write_files ...) and their other keys win.
std::string Multipart(const std::string& ours, const std::string& theirs,
                      const std::string& their_type) {
  // A boundary derived from the content (deterministic) that cannot occur in it.
  std::string boundary = "==qemu-compose-" + naming::Sha256Hex(ours + theirs).substr(0, 24) + "==";
  while (ours.find(boundary) != std::string::npos || theirs.find(boundary) != std::string::npos) {
    boundary.insert(2, "x");
  }
  std::string merge = their_type == "text/cloud-config"
                          ? "Merge-Type: list(append)+dict(recurse_array)+str()\n"
                          : "";
  return "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\n" +
         "MIME-Version: 1.0\n\n" + "--" + boundary + "\n" +
         MimePart("text/cloud-config", "qemu-compose.cfg", "", ours) + "--" + boundary + "\n" +
         MimePart(their_type, "user-data", merge, theirs) + "--" + boundary + "--\n";
}

}  // namespace

bool BuildSeedFiles(const SeedInput& in, SeedFiles* out, std::string* error) {
  CloudConfig cc;
  if (!BuildCloudConfig(in, &cc, error)) {
    return false;
  }
  std::string user_data = cc.ToUserData();
  if (!in.user_data.empty()) {
    std::string type = UserDataMimeType(in.user_data);
    if (type.empty()) {
      *error = "the user-data file must start with " + std::string(kUserDataStarts);
      return false;
    }
    user_data = Multipart(user_data, in.user_data, type);
  }
  out->user_data = std::move(user_data);
  out->network_config = NetworkConfig(in.macs);
  out->instance_id =
      "qc-" +
      naming::Sha256Hex(in.vm + '\0' + out->user_data + '\0' + out->network_config).substr(0, 16);
  Json meta = Json::object();
  meta["instance-id"] = out->instance_id;
  meta["local-hostname"] = in.vm;
  out->meta_data = ToYaml(meta);
  return true;
}

}  // namespace qc::seed
