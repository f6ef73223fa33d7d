// Plain text tables with columns padded to their widest cell.
#pragma once

#include <string>
#include <vector>

namespace qc::cli {

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

}  // namespace qc::cli
