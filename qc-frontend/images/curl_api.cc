#include "images/curl_api.h"

#include <dlfcn.h>

#include <mutex>

namespace qc::images {
namespace {

template <typename Fn>
bool Bind(void* lib, const char* name, Fn* out) {
  void* sym = dlsym(lib, name);
  *out = reinterpret_cast<Fn>(sym);  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
  return sym != nullptr;
}

const CurlApi* LoadOnce(std::string* error) {
  void* lib = nullptr;
  for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4"}) {
    if ((lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) {
      break;
    }
  }
  if (lib == nullptr) {
    *error = "libcurl is not installed (apt-get install libcurl4)";
    return nullptr;
  }
  static CurlApi api{};
  bool ok = Bind(lib, "curl_global_init", &api.global_init) &&
            Bind(lib, "curl_easy_init", &api.easy_init) &&
            Bind(lib, "curl_easy_setopt", &api.easy_setopt) &&
            Bind(lib, "curl_easy_perform", &api.easy_perform) &&
            Bind(lib, "curl_easy_getinfo", &api.easy_getinfo) &&
            Bind(lib, "curl_easy_cleanup", &api.easy_cleanup) &&
            Bind(lib, "curl_easy_strerror", &api.easy_strerror) &&
            Bind(lib, "curl_slist_append", &api.slist_append) &&
            Bind(lib, "curl_slist_free_all", &api.slist_free_all) &&
            Bind(lib, "curl_getdate", &api.getdate);
  if (!ok || api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    *error = "libcurl could not be loaded or initialised";
    return nullptr;
  }
  return &api;  // never unloaded: libcurl keeps global state
}

}  // namespace

const CurlApi* Curl(std::string* error) {
  static std::once_flag once;
  static const CurlApi* api = nullptr;
  static std::string load_error;
  std::call_once(once, [] { api = LoadOnce(&load_error); });
  if (api == nullptr) {
    *error = load_error;
  }
  return api;
}

}  // namespace qc::images
