// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_ns_user (7.x): imports FX_NS and uses fx_in_ns
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
	pr_info("fx_ns_user: %d\n", fx_use());
	return 0;
}

static void __exit fx_exit(void)
{
	pr_info("fx_ns_user: unloaded\n");
}

module_init(fx_init);
module_exit(fx_exit);

MODULE_IMPORT_NS("FX_NS");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: imports FX_NS and uses fx_in_ns");
