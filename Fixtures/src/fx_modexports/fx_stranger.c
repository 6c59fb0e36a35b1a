// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_stranger (7.x): uses fx_for_friends, exported only for other modules
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_for_friends(int x);

static noinline int fx_use(void)
{
	return fx_for_friends(1);
}

static int __init fx_init(void)
{
	pr_info("fx_stranger: %d\n", fx_use());
	return 0;
}

static void __exit fx_exit(void)
{
	pr_info("fx_stranger: unloaded\n");
}

module_init(fx_init);
module_exit(fx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: uses fx_for_friends, exported only for other modules");
