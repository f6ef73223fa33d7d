#include "compose/vm_fields.h"

#include <cctype>

namespace qc::compose {

std::optional<unsigned> ParseDecimal(std::string_view text, unsigned max) {
  if (text.empty() || text.size() > 10) {
    return std::nullopt;
  }
  unsigned long long value = 0;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > max) {
    return std::nullopt;
  }
  return static_cast<unsigned>(value);
}

std::string ParsePortMapping(std::string_view text, PortMapping* out) {
  const std::string quoted = "'" + std::string(text) + "'";
  std::string format =
      "invalid port mapping " + quoted + ": expected 'HOST:GUEST' or 'HOST:GUEST/tcp|udp'";
  std::string_view ports = text;
  std::string protocol = "tcp";
  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    protocol = std::string(text.substr(slash + 1));
    ports = text.substr(0, slash);
    if (protocol != "tcp" && protocol != "udp") {
      return "invalid protocol '" + protocol + "' in port mapping " + quoted +
             ": expected tcp or udp";
    }
  }
  const std::size_t colon = ports.find(':');
  if (colon == std::string_view::npos) {
    return format;
  }
  const std::string_view host_text = ports.substr(0, colon);
  const std::string_view guest_text = ports.substr(colon + 1);
  const std::optional<unsigned> host = ParseDecimal(host_text, UINT32_MAX);
  const std::optional<unsigned> guest = ParseDecimal(guest_text, UINT32_MAX);
  if (!host || !guest) {
    return format;
  }
  if (*host == 0 || *host > 65535) {
    return "host port " + std::string(host_text) + " in " + quoted + " is out of range 1-65535";
  }
  if (*guest == 0 || *guest > 65535) {
    return "guest port " + std::string(guest_text) + " in " + quoted + " is out of range 1-65535";
  }
  out->host = static_cast<std::uint16_t>(*host);
  out->guest = static_cast<std::uint16_t>(*guest);
  out->protocol = protocol;
  return "";
}

bool IsHostPathSyntax(std::string_view source) {
  return source.starts_with('/') || source.starts_with('.') || source.starts_with('~');
}

std::string ParseVolumeEntry(std::string_view text, VolumeMount* out) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.empty()) {
    return "empty volume entry";
  }
  std::string_view rest = text;
  auto next = [&rest]() {
    const std::size_t colon = rest.find(':');
    std::string_view part = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    return part;
  };
  const bool has_target = text.find(':') != std::string_view::npos;
  const std::string_view source = next();
  const std::string_view target = has_target ? next() : std::string_view();
  const std::string_view mode = rest;
  VolumeMount mount;
  mount.source = std::string(source);
  mount.named = !IsHostPathSyntax(source);
  if (source.empty()) {
    return "volume entry " + quoted + " has an empty source";
  }
  if (has_target && !target.starts_with('/')) {
    return "volume entry " + quoted + ": target must be an absolute guest path";
  }
  if (!has_target && !mount.named) {
    return "volume entry " + quoted + ": a host path needs a target, e.g. './data:/mnt/data'";
  }
  if (mode == "ro") {
    mount.read_only = true;
  } else if (!mode.empty() && mode != "rw") {
    return "volume entry " + quoted + ": unknown mode '" + std::string(mode) +
           "' (expected ro or rw)";
  }
  mount.target = std::string(target);
  *out = std::move(mount);
  return "";
}

}  // namespace qc::compose
