#include "compose/project_checks.h"

#include "compose/start_order.h"
#include "compose/suggest.h"

namespace qc::compose {
namespace {

template <typename T>
std::vector<std::string> Keys(const std::map<std::string, T>& m) {
  std::vector<std::string> keys;
  keys.reserve(m.size());
  for (const auto& kv : m) {
    keys.push_back(kv.first);
  }
  return keys;
}

void CheckReferences(Diagnostics& diag, const std::map<std::string, VmRefs>& refs,
                     const Project& project) {
  const std::vector<std::string> networks = Keys(project.networks);
  const std::vector<std::string> volumes = Keys(project.volumes);
  for (const auto& [vm, r] : refs) {
    for (const Item& item : r.networks) {
      if (project.networks.count(item.text) == 0) {
        diag.Error(item.pos, "vm '" + vm + "': network '" + item.text +
                                 "' is not defined under top-level 'networks'" +
                                 DidYouMean(item.text, networks));
      }
    }
    for (const Item& item : r.volumes) {
      if (project.volumes.count(item.text) == 0) {
        diag.Error(item.pos, "vm '" + vm + "': volume '" + item.text +
                                 "' is not defined under top-level 'volumes'" +
                                 DidYouMean(item.text, volumes));
      }
    }
  }
}

void CheckPorts(Diagnostics& diag, const std::map<std::string, VmRefs>& refs,
                const Project& project) {
  std::map<std::string, std::string> used;  // "8080/tcp" -> vm
  for (const auto& [vm, r] : refs) {
    const Vm& v = project.vms.at(vm);
    if (!v.networks.empty() && !r.ports.empty()) {
      diag.Error(r.ports_pos, "vm '" + vm +
                                  "': 'ports' only work with user-mode networking, but this vm "
                                  "has 'networks' (reach it on its bridge address instead)");
      continue;
    }
    for (std::size_t i = 0; i < v.ports.size() && i < r.ports.size(); ++i) {
      const std::string key = std::to_string(v.ports[i].host) + "/" + v.ports[i].protocol;
      auto [it, inserted] = used.emplace(key, vm);
      if (!inserted) {
        std::string message = "vm '" + vm + "': host port ";
        message += key;
        message += " is already used";
        message += it->second == vm ? " by this vm" : " by vm '" + it->second + "'";
        diag.Error(r.ports[i].pos, std::move(message));
      }
    }
  }
}

// A disk written by one VM must not be open in another: the writer's
// caches and the other's reads (or writes) would corrupt it, and QEMU's
// image locking would refuse the second VM anyway.
void CheckSharedVolumes(Diagnostics& diag, const Project& project) {
  struct User {
    std::string vm;
    const VolumeMount* mount;
  };
  std::map<std::string, std::vector<User>> users;  // volume -> VMs using it
  for (const auto& [name, vm] : project.vms) {
    for (const VolumeMount& m : vm.mounts) {
      if (m.named) {
        users[m.source].push_back({name, &m});
      }
    }
  }
  for (const auto& [volume, list] : users) {
    const User* writer = nullptr;
    for (const User& u : list) {
      writer = writer == nullptr && !u.mount->read_only ? &u : writer;
    }
    if (writer == nullptr || list.size() < 2) {
      continue;
    }
    for (const User& u : list) {
      if (&u == writer) {
        continue;
      }
      diag.Error(u.mount->pos, "vm '" + u.vm + "': volume '" + volume +
                                   "' is already used read-write by vm '" + writer->vm +
                                   "': a disk written by one VM cannot be used by another at "
                                   "the same time (several VMs may share it read-only, ':ro')");
    }
  }
}

}  // namespace

void CheckProject(Diagnostics& diag, const std::map<std::string, VmRefs>& refs, Project* project) {
  CheckReferences(diag, refs, *project);
  CheckPorts(diag, refs, *project);
  CheckSharedVolumes(diag, *project);

  const std::vector<std::string> vms = Keys(project->vms);
  std::map<std::string, std::vector<std::string>> graph;
  bool graph_ok = true;
  for (const auto& [vm, r] : refs) {
    std::vector<std::string>& deps = graph[vm];
    for (const Item& item : r.depends_on) {
      if (item.text == vm) {
        diag.Error(item.pos, "vm '" + vm + "': depends_on names the vm itself");
        graph_ok = false;
      } else if (project->vms.count(item.text) == 0) {
        diag.Error(item.pos, "vm '" + vm + "': depends_on names unknown vm '" + item.text + "'" +
                                 DidYouMean(item.text, vms));
        graph_ok = false;
      } else {
        deps.push_back(item.text);
      }
    }
  }
  if (!graph_ok) {
    return;
  }
  std::vector<std::string> cycle;
  if (!StartOrder(graph, &project->start_order, &cycle)) {
    std::string text;
    for (const std::string& vm : cycle) {
      text += (text.empty() ? "" : " -> ") + vm;
    }
    // Point at the first edge of the cycle.
    SourcePos pos = refs.at(cycle[0]).name_pos;
    for (const Item& item : refs.at(cycle[0]).depends_on) {
      if (item.text == cycle[1]) {
        pos = item.pos;
      }
    }
    diag.Error(pos, "vm '" + cycle[0] + "': depends_on cycle: " + text);
    project->start_order.clear();
  }
}

}  // namespace qc::compose
