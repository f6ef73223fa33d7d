// The request loop and one handler per operation of proto/netd.proto. Each
// handler fills exactly one Reply; CreateTap also returns the TAP fds.
#pragma once

#include "session.h"

namespace qc::netd {

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
