/* SPDX-License-Identifier: Apache-2.0 */
/* Renders notification templates: {time} {kind} {name} {state} {prev_state}
 * {priority} {host} {vips} {reason} {seq} (the config check refuses others). */
#ifndef VIGIL_TEMPLATE_H
#define VIGIL_TEMPLATE_H

#include <stddef.h>

#include <vigil/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* With `one_line`, line breaks in the result become spaces; otherwise a
 * literal "\n" in the template becomes a line break. */
void render_template(const char *format, const vigil_event *ev, char *out, size_t len, int one_line);

#ifdef __cplusplus
}
#endif

#endif
