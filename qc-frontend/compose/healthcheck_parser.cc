// `healthcheck:` in docker compose's shape: test (["CMD", ...],
// ["CMD-SHELL", "..."], ["NONE"] or a string = CMD-SHELL), interval,
// timeout, retries, start_period, disable.
#include "compose/guest_parser.h"
#include "compose/units.h"
#include "compose/vm_fields.h"

namespace qc::compose {
namespace {

const std::vector<std::string> kHealthcheckKeys = {"test",    "interval",     "timeout",
                                                   "retries", "start_period", "disable"};

std::optional<std::vector<std::string>> ReadTest(Reader& reader, const Entry& e,
                                                 const std::string& owner) {
  Diagnostics& diag = reader.diag();
  if (e.value.IsScalar()) {
    std::optional<std::string> text = reader.String(e, owner);
    if (!text) {
      return std::nullopt;
    }
    return std::vector<std::string>{"CMD-SHELL", *text};
  }
  std::optional<std::vector<Item>> items = reader.StringList(e, owner);
  if (!items) {
    return std::nullopt;
  }
  std::vector<std::string> test;
  for (const Item& item : *items) {
    test.push_back(item.text);
  }
  const std::string kind = test.empty() ? "" : test[0];
  if (kind == "NONE") {
    return std::vector<std::string>{};
  }
  if (kind == "CMD" && test.size() >= 2) {
    return test;
  }
  if (kind == "CMD-SHELL" && test.size() == 2) {
    return test;
  }
  diag.Error(e.value_pos, Where(owner, "test") +
                              " must be [\"CMD\", program, args...], [\"CMD-SHELL\", \"command\"], "
                              "[\"NONE\"] or a command string");
  return std::nullopt;
}

}  // namespace

void ParseHealthcheck(Reader& reader, const Entry& field, const std::string& owner,
                      Healthcheck* out) {
  Diagnostics& diag = reader.diag();
  const std::string hc = owner + ": healthcheck";
  Healthcheck h;
  bool has_test = false;
  bool disabled = false;
  for (const Entry& e :
       reader.Map(field.value, field.value_pos, owner, "healthcheck", &kHealthcheckKeys)) {
    if (e.key == "test") {
      has_test = true;
      if (std::optional<std::vector<std::string>> test = ReadTest(reader, e, hc)) {
        h.test = *test;
      }
      continue;
    }
    std::optional<std::string> text = reader.String(e, hc);
    if (!text) {
      continue;
    }
    if (e.key == "disable") {
      if (*text != "true" && *text != "false") {
        diag.Error(e.value_pos, Where(hc, e.key) + " must be true or false, got '" + *text + "'");
      }
      disabled = *text == "true";
    } else if (e.key == "retries") {
      std::optional<unsigned> n = ParseDecimal(*text, 1000000);
      if (!n || *n == 0) {
        diag.Error(e.value_pos,
                   Where(hc, e.key) + " must be a positive integer, got '" + *text + "'");
        continue;
      }
      h.retries = *n;
    } else {
      std::optional<std::uint32_t> s = ParseDurationSeconds(*text);
      bool zero_ok = e.key == "start_period";
      if (!s || (*s == 0 && !zero_ok)) {
        diag.Error(e.value_pos, Where(hc, e.key) + ": invalid duration '" + *text +
                                    "' (use e.g. 10s, 1m30s or a number of seconds" +
                                    (zero_ok ? "" : "; at least 1s") + ")");
        continue;
      }
      (e.key == "interval"  ? h.interval_s
       : e.key == "timeout" ? h.timeout_s
                            : h.start_period_s) = *s;
    }
  }
  if (disabled) {
    *out = Healthcheck{};
    return;
  }
  if (!has_test && !field.value.IsNull()) {
    diag.Error(field.key_pos, hc + " needs 'test' (or 'disable: true')");
    return;
  }
  *out = h;
}

}  // namespace qc::compose
