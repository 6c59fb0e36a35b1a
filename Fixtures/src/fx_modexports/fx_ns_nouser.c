// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_ns_nouser (7.x): uses fx_in_ns (namespace FX_NS) without importing FX_NS
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_in_ns(int x);

static noinline int fx_use(void)
{
	return fx_in_ns(1);
}

static int __init fx_init(void)
{
	pr_info("fx_ns_nouser: %d\n", fx_use());
	return 0;
}

static void __exit fx_exit(void)
{
	pr_info("fx_ns_nouser: unloaded\n");
}

module_init(fx_init);
module_exit(fx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: uses fx_in_ns (namespace FX_NS) without importing FX_NS");
