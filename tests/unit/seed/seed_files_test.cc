// The NoCloud seed's content: what cloud-init will read, and that it is the
// same bytes for the same input with an instance-id that follows content.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "seed/seed_files.h"
#include "seed/yaml_emit.h"

namespace qc::seed {
namespace {

SeedInput Sample() {
  SeedInput in;
  in.vm = "web";
  in.project = "shop";
  in.login_user = "alice";
  in.public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample qemu-compose shop";
  in.macs = {"52:54:00:aa:bb:01", "52:54:00:aa:bb:02"};
  return in;
}

SeedFiles Build(const SeedInput& in) {
  SeedFiles f;
  std::string error;
  EXPECT_TRUE(BuildSeedFiles(in, &f, &error)) << error;
  return f;
}

YAML::Node CloudConfigOf(const SeedFiles& f) {
  EXPECT_TRUE(f.user_data.starts_with("#cloud-config\n")) << f.user_data;
  return YAML::Load(f.user_data);
}

TEST(SeedFiles, SameInputSameBytes) {
  SeedInput in = Sample();
  in.provision = {"apt-get update", "echo done"};
  in.environment = {{"A", "1"}, {"B", "two words"}};
  SeedFiles a = Build(in);
  SeedFiles b = Build(in);
  EXPECT_EQ(a.meta_data, b.meta_data);
  EXPECT_EQ(a.user_data, b.user_data);
  EXPECT_EQ(a.network_config, b.network_config);
  EXPECT_EQ(a.instance_id, b.instance_id);
}

TEST(SeedFiles, MetaDataNamesTheInstanceAndHost) {
  SeedFiles f = Build(Sample());
  YAML::Node meta = YAML::Load(f.meta_data);
  EXPECT_EQ(meta["instance-id"].as<std::string>(), f.instance_id);
  EXPECT_EQ(meta["local-hostname"].as<std::string>(), "web");
  EXPECT_TRUE(f.instance_id.starts_with("qc-"));
  EXPECT_EQ(f.instance_id.size(), 19U);
}

TEST(SeedFiles, LoginUserHasKeySudoBashAndNoPassword) {
  YAML::Node cc = CloudConfigOf(Build(Sample()));
  ASSERT_EQ(cc["users"].size(), 1U);
  YAML::Node u = cc["users"][0];
  EXPECT_EQ(u["name"].as<std::string>(), "alice");
  EXPECT_EQ(u["shell"].as<std::string>(), "/bin/bash");
  EXPECT_EQ(u["sudo"].as<std::string>(), "ALL=(ALL) NOPASSWD:ALL");
  EXPECT_TRUE(u["lock_passwd"].as<bool>());
  EXPECT_FALSE(u["passwd"]);
  ASSERT_EQ(u["ssh_authorized_keys"].size(), 1U);
  EXPECT_EQ(u["ssh_authorized_keys"][0].as<std::string>(), Sample().public_key);
  EXPECT_FALSE(cc["ssh_pwauth"].as<bool>());
  EXPECT_EQ(cc["hostname"].as<std::string>(), "web");
  EXPECT_EQ(cc["fqdn"].as<std::string>(), "web.shop.qc");
}

TEST(SeedFiles, RootLoginGetsTheKeyWithoutAnExtraUser) {
  SeedInput in = Sample();
  in.login_user = "root";
  YAML::Node cc = CloudConfigOf(Build(in));
  EXPECT_EQ(cc["users"].size(), 0U);
  EXPECT_FALSE(cc["disable_root"].as<bool>());
  EXPECT_EQ(cc["ssh_authorized_keys"][0].as<std::string>(), in.public_key);
}

TEST(SeedFiles, NetworkConfigMatchesEveryNicByMacInOrder) {
  YAML::Node net = YAML::Load(Build(Sample()).network_config);
  EXPECT_EQ(net["version"].as<int>(), 2);
  ASSERT_EQ(net["ethernets"].size(), 2U);
  EXPECT_EQ(net["ethernets"]["eth0"]["match"]["macaddress"].as<std::string>(), "52:54:00:aa:bb:01");
  EXPECT_EQ(net["ethernets"]["eth1"]["match"]["macaddress"].as<std::string>(), "52:54:00:aa:bb:02");
  EXPECT_EQ(net["ethernets"]["eth1"]["set-name"].as<std::string>(), "eth1");
  EXPECT_TRUE(net["ethernets"]["eth0"]["dhcp4"].as<bool>());
  // NIC order is file order, not just key order of a map.
  const std::string text = Build(Sample()).network_config;
  EXPECT_LT(text.find("52:54:00:aa:bb:01"), text.find("52:54:00:aa:bb:02"));
}

TEST(SeedFiles, ProvisionStepsAreFilesRunOnceInOrder) {
  SeedInput in = Sample();
  in.provision = {"echo first > /tmp/order", "echo second >> /tmp/order"};
  YAML::Node cc = CloudConfigOf(Build(in));
  std::vector<std::string> paths;
  for (const auto& f : cc["write_files"]) {
    paths.push_back(f["path"].as<std::string>());
  }
  ASSERT_EQ(paths.size(), 3U);
  EXPECT_EQ(paths[0], "/var/lib/qemu-compose/provision/step-001.sh");
  EXPECT_EQ(paths[1], "/var/lib/qemu-compose/provision/step-002.sh");
  EXPECT_EQ(paths[2], "/var/lib/qemu-compose/provision/run");
  EXPECT_EQ(cc["write_files"][0]["content"].as<std::string>(), "echo first > /tmp/order");
  // runcmd runs once per instance: the runner is its only entry.
  ASSERT_EQ(cc["runcmd"].size(), 1U);
  EXPECT_EQ(cc["runcmd"][0][0].as<std::string>(), "/var/lib/qemu-compose/provision/run");
}

TEST(SeedFiles, EnvironmentGoesToEtcEnvironmentAndTheProvisionShell) {
  SeedInput in = Sample();
  in.environment = {{"GREETING", "it's here"}};
  in.provision = {"echo $GREETING"};
  YAML::Node cc = CloudConfigOf(Build(in));
  YAML::Node env = cc["write_files"][0];
  EXPECT_EQ(env["path"].as<std::string>(), "/etc/environment");
  EXPECT_TRUE(env["append"].as<bool>());
  EXPECT_NE(env["content"].as<std::string>().find("GREETING=it's here\n"), std::string::npos);
  EXPECT_EQ(cc["write_files"][1]["content"].as<std::string>(), "export GREETING='it'\\''s here'\n");
  std::string runner;
  for (const auto& f : cc["write_files"]) {
    if (f["path"].as<std::string>().ends_with("/run")) {
      runner = f["content"].as<std::string>();
    }
  }
  EXPECT_NE(runner.find(". /var/lib/qemu-compose/environment.sh"), std::string::npos);
}

TEST(SeedFiles, InstanceIdChangesOnlyWithContent) {
  const std::string base = Build(Sample()).instance_id;
  EXPECT_EQ(Build(Sample()).instance_id, base);
  auto changed = [&](auto&& edit) {
    SeedInput in = Sample();
    edit(in);
    return Build(in).instance_id != base;
  };
  EXPECT_TRUE(changed([](SeedInput& in) { in.public_key += "x"; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.login_user = "bob"; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.macs[1] = "52:54:00:aa:bb:03"; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.provision = {"true"}; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.environment = {{"A", "1"}}; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.user_data = "#cloud-config\npackages: [curl]\n"; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.vm = "api"; }));
  EXPECT_TRUE(changed([](SeedInput& in) { in.cloud_config.Append("runcmd", "true"); }));
}

TEST(SeedFiles, UserDataFileIsASecondMimePartAfterOurs) {
  SeedInput in = Sample();
  in.user_data = "#cloud-config\npackages: [curl]\n";
  SeedFiles f = Build(in);
  EXPECT_TRUE(f.user_data.starts_with("Content-Type: multipart/mixed; boundary=\"")) << f.user_data;
  std::size_t ours = f.user_data.find("Content-Type: text/cloud-config");
  std::size_t theirs = f.user_data.find("packages: [curl]");
  ASSERT_NE(ours, std::string::npos);
  ASSERT_NE(theirs, std::string::npos);
  EXPECT_LT(f.user_data.find("#cloud-config\nhostname:"), theirs);
  // The user's lists add to ours instead of replacing them.
  EXPECT_NE(f.user_data.find("Merge-Type: list(append)+dict(recurse_array)+str()"),
            std::string::npos);
  EXPECT_EQ(Build(in).user_data, f.user_data);

  in.user_data = "#!/bin/sh\necho hi\n";
  EXPECT_NE(Build(in).user_data.find("Content-Type: text/x-shellscript"), std::string::npos);
}

TEST(SeedFiles, UserDataCloudInitWouldIgnoreIsRefused) {
  SeedInput in = Sample();
  in.user_data = "packages: [curl]\n";
  SeedFiles f;
  std::string error;
  EXPECT_FALSE(BuildSeedFiles(in, &f, &error));
  EXPECT_NE(error.find("must start with #cloud-config"), std::string::npos) << error;
}

TEST(CloudConfig, FeaturesAppendAfterOursAndCannotOverwrite) {
  SeedInput in = Sample();
  in.provision = {"true"};
  ASSERT_TRUE(in.cloud_config.Append("runcmd", nlohmann::ordered_json::array({"mount", "-a"})));
  ASSERT_TRUE(in.cloud_config.Append(
      "mounts", nlohmann::ordered_json::array({"LABEL=data", "/data", "ext4", "defaults"})));
  YAML::Node cc = CloudConfigOf(Build(in));
  ASSERT_EQ(cc["runcmd"].size(), 2U);
  EXPECT_EQ(cc["runcmd"][1][0].as<std::string>(), "mount");
  EXPECT_EQ(cc["mounts"][0][1].as<std::string>(), "/data");

  SeedInput clash = Sample();
  std::string error;
  ASSERT_TRUE(clash.cloud_config.Set("hostname", "other", &error));
  SeedFiles f;
  EXPECT_FALSE(BuildSeedFiles(clash, &f, &error));
  EXPECT_NE(error.find("'hostname' is set twice"), std::string::npos) << error;

  CloudConfig c;
  ASSERT_TRUE(c.Set("mounts", "not a list", &error));
  EXPECT_FALSE(c.Append("mounts", "x", &error));
}

TEST(YamlEmit, StringsStayStringsThroughAYamlParser) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  const std::vector<std::string> tricky = {"yes",  "no",  "0755",   "22:22",  "~",  "",
                                           "a: b", "- x", "#hash",  "x\ny\n", "\t", "\"q\"",
                                           "'s'",  "é ü", "{a: 1}", "@at",    "*x", "null"};
  for (std::size_t i = 0; i < tricky.size(); ++i) {
    doc["k" + std::to_string(i)] = tricky[i];
  }
  doc["odd key: x"] = true;
  doc["n"] = 7;
  doc["list"] = nlohmann::ordered_json::array({"a", 1, false});
  doc["empty"] = nlohmann::ordered_json::array();
  YAML::Node back = YAML::Load(ToYaml(doc));
  for (std::size_t i = 0; i < tricky.size(); ++i) {
    EXPECT_EQ(back["k" + std::to_string(i)].as<std::string>(), tricky[i]) << i;
  }
  EXPECT_TRUE(back["odd key: x"].as<bool>());
  EXPECT_EQ(back["n"].as<int>(), 7);
  EXPECT_EQ(back["list"][1].as<int>(), 1);
  EXPECT_EQ(back["empty"].size(), 0U);
}

}  // namespace
}  // namespace qc::seed
