// Hex digests used for names, MACs and config hashes (nettle underneath).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace qc::naming {

std::array<std::uint8_t, 16> Md5(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace qc::naming
