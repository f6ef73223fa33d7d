// One helper session (one caller, one socket): its state, the checks every
// handler shares (checks.cc), the request loop and one handler per operation
// of proto/netd.proto (bridge.cc, address.cc, tap.cc, nat_dhcp.cc, queries.cc). A check that
// refuses fills the reply and returns false or null; the handler then returns at once. Each handler
// fills exactly one Reply; CreateTap also returns the TAP fds.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "links.h"
#include "names.h"
#include "netd.pb.h"
#include "policy.h"

namespace qc::netd {

struct Session {
  Caller caller;
  Policy policy;
  Quotas quotas;
  nl_sock* rtnl = nullptr;  // rtnetlink
  int launcher_fd = -1;     // socketpair to the dnsmasq launcher
  bool hello_done = false;
};

void SetReply(Reply* r, Status status, const std::string& message);
void CloseAll(std::vector<int>* fds);
// In these, tap = true means a TAP, false a bridge.
bool CheckName(const std::string& name, bool tap, Reply* r);
bool LoadLinks(Session& s, std::vector<LinkInfo>* links, Reply* r);
// kind: "bridge" or "tun"
unsigned CountOwned(const Session& s, const std::vector<LinkInfo>& links, const char* kind);
// Within the quota once `adding` more exist.
bool CheckQuota(const Session& s, const std::vector<LinkInfo>& links, bool tap, unsigned adding,
                Reply* r);
// Loads the links and returns the caller's own link `name`: NOT_FOUND if
// there is none, PERMISSION_DENIED if it is not theirs.
const LinkInfo* FindOwned(Session& s, const std::string& name, bool tap,
                          std::vector<LinkInfo>* links, Reply* r);

// Answers each Request datagram with exactly one Reply until the peer closes
// the socket. Returns the exit code: 0 when the peer closed, 1 on a socket error.
int RunRequestLoop(Session& s, int sock);

void HandleHello(Session& s, const Hello& req, Reply* r);
void HandleCreateBridge(Session& s, const CreateBridge& req, Reply* r);
void HandleAddAddress(Session& s, const AddAddress& req, Reply* r);
void HandleCreateTap(Session& s, const CreateTap& req, Reply* r, std::vector<int>* fds);
// DeleteBridge (tap = false) and DeleteTap.
void HandleDelete(Session& s, const std::string& name, bool tap, Reply* r);
void HandleSetForwarding(Session& s, const SetForwarding& req, Reply* r);
void HandleEnableNat(Session& s, const EnableNat& req, Reply* r);
void HandleDisableNat(Session& s, const DisableNat& req, Reply* r);
void HandleStartDhcp(Session& s, const StartDhcp& req, Reply* r);
void HandleListOwned(Session& s, const ListOwned& req, Reply* r);

}  // namespace qc::netd
