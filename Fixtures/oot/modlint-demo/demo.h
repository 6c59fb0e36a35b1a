/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MODLINT_DEMO_H
#define MODLINT_DEMO_H

/* Exported by demo_core, used by demo_usb. */
int demo_count_event(const char *who);

#endif
