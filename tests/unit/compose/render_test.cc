// `qemu-compose config`: exact normalised output in YAML and JSON, and the
// YAML loads back into the same model.
#include <gtest/gtest.h>

#include "test_util.h"

namespace qc::compose {
namespace {

constexpr const char* kSmall = R"(version: "1"
name: shop
vms:
  web:
    image: images/web.qcow2
    memory: 1G
    cpu: 2
    networks: [backend]
    volumes: ["data:/srv:ro", "./html:/var/www"]
    depends_on: [db]
    disk: {size: 10240M}
  db:
    kernel: boot/vmlinuz
    cmdline: console=ttyS0 "quoted" \back
    accel: tcg
    stop_grace_period: 90
  tools:
    image: https://example.com/t.qcow2
    ports: ["8080:80", "5353:53/udp"]
networks:
  backend:
volumes:
  data: {size: 2G}
)";

testing::LoadResult LoadSmall(const testing::ScratchDir& dir) {
  return testing::LoadYaml(dir, kSmall);
}

TEST(RenderConfig, YamlIsNormalisedAndExact) {
  testing::ScratchDir dir;
  const testing::LoadResult r = LoadSmall(dir);
  ASSERT_TRUE(r.ok) << r.error;
  const std::string d = dir.path().string();
  EXPECT_EQ(RenderConfig(r.project, false), R"(name: shop
version: "1"
vms:
  db:
    kernel: )" + d + R"(/boot/vmlinuz
    cmdline: "console=ttyS0 \"quoted\" \\back"
    accel: tcg
    cpu: 1
    memory: 512M
    networks: []
    volumes: []
    ports: []
    depends_on: []
    stop_grace_period: 1m30s
  tools:
    image: "https://example.com/t.qcow2"
    cpu: 1
    memory: 512M
    networks: []
    volumes: []
    ports:
      - "8080:80/tcp"
      - "5353:53/udp"
    depends_on: []
    stop_grace_period: 30s
  web:
    image: )" + d + R"(/images/web.qcow2
    cpu: 2
    memory: 1G
    disk:
      size: 10G
    networks:
      - backend
    volumes:
      - "data:/srv:ro"
      - ")" + d + R"(/html:/var/www"
    ports: []
    depends_on:
      - db
    stop_grace_period: 30s
networks:
  backend:
    driver: bridge
    subnet: auto
volumes:
  data:
    size: 2G
)");
}

TEST(RenderConfig, JsonHasTheSameContent) {
  testing::ScratchDir dir;
  const testing::LoadResult r = LoadSmall(dir);
  ASSERT_TRUE(r.ok) << r.error;
  const std::string d = dir.path().string();
  EXPECT_EQ(RenderConfig(r.project, true), R"({
  "name": "shop",
  "version": "1",
  "vms": {
    "db": {
      "kernel": ")" + d + R"(/boot/vmlinuz",
      "cmdline": "console=ttyS0 \"quoted\" \\back",
      "accel": "tcg",
      "cpu": 1,
      "memory": "512M",
      "networks": [],
      "volumes": [],
      "ports": [],
      "depends_on": [],
      "stop_grace_period": "1m30s"
    },
    "tools": {
      "image": "https://example.com/t.qcow2",
      "cpu": 1,
      "memory": "512M",
      "networks": [],
      "volumes": [],
      "ports": [
        "8080:80/tcp",
        "5353:53/udp"
      ],
      "depends_on": [],
      "stop_grace_period": "30s"
    },
    "web": {
      "image": ")" + d + R"(/images/web.qcow2",
      "cpu": 2,
      "memory": "1G",
      "disk": {
        "size": "10G"
      },
      "networks": [
        "backend"
      ],
      "volumes": [
        "data:/srv:ro",
        ")" + d + R"(/html:/var/www"
      ],
      "ports": [],
      "depends_on": [
        "db"
      ],
      "stop_grace_period": "30s"
    }
  },
  "networks": {
    "backend": {
      "driver": "bridge",
      "subnet": "auto"
    }
  },
  "volumes": {
    "data": {
      "size": "2G"
    }
  }
}
)");
}

TEST(RenderConfig, JsonEscapesControlCharacters) {
  testing::ScratchDir dir;
  const testing::LoadResult r =
      testing::LoadYaml(dir, "vms:\n  a:\n    kernel: /k\n    cmdline: \"tab\\there\\x01\"\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_NE(RenderConfig(r.project, true).find(R"("cmdline": "tab\there\u0001")"),
            std::string::npos);
}

TEST(RenderConfig, YamlOutputLoadsBackToTheSameConfig) {
  testing::ScratchDir dir;
  const testing::LoadResult first = LoadSmall(dir);
  ASSERT_TRUE(first.ok) << first.error;
  const std::string rendered = RenderConfig(first.project, false);

  testing::ScratchDir other;
  const testing::LoadResult second = testing::LoadYaml(other, rendered);
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(RenderConfig(second.project, false), rendered);
  EXPECT_EQ(second.project.start_order, first.project.start_order);
}

TEST(RenderConfig, EscapedDollarSurvivesTheRoundTrip) {
  // A literal '$' in the model must come out as "$$" so that reloading the
  // output does not interpolate it.
  testing::ScratchDir dir;
  const testing::LoadResult first =
      testing::LoadYaml(dir, "vms:\n  a:\n    kernel: /k\n    cmdline: echo $$HOME\n");
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.project.vms.at("a").cmdline, "echo $HOME");
  testing::ScratchDir other;
  const testing::LoadResult second = testing::LoadYaml(other, RenderConfig(first.project, false));
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.project.vms.at("a").cmdline, "echo $HOME");
}

}  // namespace
}  // namespace qc::compose
