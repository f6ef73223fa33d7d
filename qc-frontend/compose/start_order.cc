#include "compose/start_order.h"

#include <algorithm>
#include <set>

namespace qc::compose {

bool StartOrder(const std::map<std::string, std::vector<std::string>>& deps,
                std::vector<std::string>* order, std::vector<std::string>* cycle) {
  std::map<std::string, std::size_t> waiting;  // number of unstarted dependencies
  std::map<std::string, std::vector<std::string>> dependents;
  for (const auto& [vm, needs] : deps) {
    const std::set<std::string> unique(needs.begin(), needs.end());
    waiting[vm] = unique.size();
    for (const std::string& dep : unique) {
      dependents[dep].push_back(vm);
    }
  }
  std::set<std::string> ready;
  for (const auto& [vm, count] : waiting) {
    if (count == 0) {
      ready.insert(vm);
    }
  }
  order->clear();
  while (!ready.empty()) {
    const std::string vm = *ready.begin();
    ready.erase(ready.begin());
    order->push_back(vm);
    for (const std::string& next : dependents[vm]) {
      if (--waiting[next] == 0) {
        ready.insert(next);
      }
    }
  }
  if (order->size() == deps.size()) {
    return true;
  }

  // Walk dependencies from the first blocked VM until one repeats: every
  // blocked VM waits on another blocked VM, so the walk must close a cycle.
  std::vector<std::string> path;
  std::string at;
  for (const auto& [vm, count] : waiting) {
    if (count > 0) {
      at = vm;
      break;
    }
  }
  while (std::find(path.begin(), path.end(), at) == path.end()) {
    path.push_back(at);
    std::string next_vm;
    for (const std::string& dep : deps.at(at)) {
      if (waiting[dep] > 0 && (next_vm.empty() || dep < next_vm)) {
        next_vm = dep;
      }
    }
    at = next_vm;
  }
  std::vector<std::string> loop(std::find(path.begin(), path.end(), at), path.end());
  std::rotate(loop.begin(), std::min_element(loop.begin(), loop.end()), loop.end());
  loop.push_back(loop.front());
  *cycle = loop;
  return false;
}

}  // namespace qc::compose
