/* SPDX-License-Identifier: Apache-2.0 */
// The libcurl half of the http_request host service, in a module of its own
// (http-engine.so, beside vigild-worker) that HttpClient dlopens at the first
// request: a worker whose config has no HTTP user never maps libcurl and the
// TLS libraries under it (docs/performance.md). A C table, so the two sides
// share no C++ types; internal (not the plugin ABI), built with the worker.
#pragma once

#include <stddef.h>

#include "vigil/plugin.h"

struct event_base;

extern "C" {

// Called once per request that was not cancelled, on the loop; the request
// is gone when it is called (done may start the next one).
typedef void (*vigil_http_engine_done)(void* token, const vigil_http_result* result);

typedef struct vigil_http_engine_api {
    void* (*create)(event_base* base);  // NULL when libcurl cannot be set up
    void (*destroy)(void* engine);      // abandons the requests still running
    // NULL, with why in err, when the request cannot start.
    void* (*start)(void* engine, const vigil_http_spec* spec, vigil_http_engine_done done, void* token, char* err,
                   size_t errlen);
    void (*cancel)(void* engine, void* request);
} vigil_http_engine_api;

}

#define VIGIL_HTTP_ENGINE_SYMBOL "vigil_http_engine"
#define VIGIL_HTTP_ENGINE_FILE "http-engine.so"
