// SPDX-License-Identifier: GPL-2.0
/*
 * demo_core: the library half of the modlint demo package. It exports one
 * function that demo_usb, built in the same M= directory, imports.
 */
#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/printk.h>

#include "demo.h"

static atomic_t demo_events = ATOMIC_INIT(0);

int demo_count_event(const char *who)
{
	int n = atomic_inc_return(&demo_events);

	pr_debug("demo_core: event %d from %s\n", n, who);
	return n;
}
EXPORT_SYMBOL_GPL(demo_count_event);

static int __init demo_core_init(void)
{
	pr_info("demo_core: loaded\n");
	return 0;
}

static void __exit demo_core_exit(void)
{
	pr_info("demo_core: %d events\n", atomic_read(&demo_events));
}

module_init(demo_core_init);
module_exit(demo_core_exit);

MODULE_DESCRIPTION("modlint demo: a library module with one export");
MODULE_LICENSE("GPL");
