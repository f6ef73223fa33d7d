// libcurl, loaded with dlopen the first time a download needs it. Linking
// it would make every qemu-compose command (ps, ssh, a cached pull) load
// libcurl's ~30 dependent libraries at start-up: about 100 ms measured on
// the 2-core CI machine, twice the budget of a cached pull. Either Debian
// flavour works (libcurl.so.4 from libcurl4, libcurl-gnutls.so.4 from
// libcurl3-gnutls): same ABI.
#pragma once

#include <curl/curl.h>

#include <string>

namespace qc::images {

struct CurlApi {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* curl, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* curl);
  CURLcode (*easy_getinfo)(CURL* curl, CURLINFO info, ...);
  void (*easy_cleanup)(CURL* curl);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
  time_t (*getdate)(const char* text, const time_t* unused);
};

// The loaded and initialised library, or nullptr + *error.
const CurlApi* Curl(std::string* error);

}  // namespace qc::images
