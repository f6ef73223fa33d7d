#include "naming/reservations.h"

#include <gtest/gtest.h>

namespace qc::naming {
namespace {

const ipv4::Cidr kNet{0xac100300U, 24};  // 172.16.3.0/24

TEST(Reservations, SortedIndexPlusTen) {
  std::vector<Reservation> out;
  std::string err;
  ASSERT_TRUE(
      AssignReservations(kNet, {{"web", "m1"}, {"db", "m2"}, {"cache", "m3"}}, {}, &out, &err));
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[0], (Reservation{"cache", "m3", "172.16.3.10", "cache"}));
  EXPECT_EQ(out[1], (Reservation{"db", "m2", "172.16.3.11", "db"}));
  EXPECT_EQ(out[2], (Reservation{"web", "m1", "172.16.3.12", "web"}));
}

TEST(Reservations, KeepsPreviousAddressAndSkipsCollisions) {
  // "web" had .10 before "api" was added: web keeps it, api moves past it.
  std::vector<Reservation> prev{{"web", "m1", "172.16.3.10", "web"}};
  std::vector<Reservation> out;
  std::string err;
  ASSERT_TRUE(AssignReservations(kNet, {{"web", "m1"}, {"api", "m2"}}, prev, &out, &err));
  EXPECT_EQ(out[0].vm, "api");
  EXPECT_EQ(out[0].ip, "172.16.3.11");
  EXPECT_EQ(out[1].ip, "172.16.3.10");
}

TEST(Reservations, ChangedMacOrForeignSubnetIsReassigned) {
  std::vector<Reservation> prev{{"web", "old", "172.16.3.40", "web"},
                                {"db", "m2", "10.0.0.10", "db"}};
  std::vector<Reservation> out;
  std::string err;
  ASSERT_TRUE(AssignReservations(kNet, {{"web", "m1"}, {"db", "m2"}}, prev, &out, &err));
  EXPECT_EQ(out[0].ip, "172.16.3.10");  // db
  EXPECT_EQ(out[1].ip, "172.16.3.11");  // web
}

TEST(Reservations, FullRangeIsAnError) {
  std::vector<ReservationRequest> many;
  for (int i = 0; i < 242; ++i) many.push_back({"vm" + std::to_string(1000 + i), "m"});
  std::vector<Reservation> out;
  std::string err;
  EXPECT_FALSE(AssignReservations(kNet, many, {}, &out, &err));
  EXPECT_NE(err.find("no free address"), std::string::npos);
  many.pop_back();
  EXPECT_TRUE(AssignReservations(kNet, many, {}, &out, &err));
  EXPECT_EQ(out.back().ip, "172.16.3.250");
}

}  // namespace
}  // namespace qc::naming
