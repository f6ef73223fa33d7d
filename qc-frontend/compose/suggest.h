// "did you mean 'X'?" for typos: the closest candidate by edit distance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace qc::compose {

// Levenshtein distance, case-insensitive.
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible
// typo (distance <= max(2, len/3)), else "". Ties go to the earlier candidate.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// "; did you mean 'X'?" or "" when nothing is close.
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace qc::compose
