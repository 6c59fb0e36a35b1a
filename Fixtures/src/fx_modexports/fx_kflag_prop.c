// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_kflag_prop (7.x): proprietary module using fx_gpl_only (GPL-only by its __kflagstab flag) and fx_plain
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_gpl_only(int x);
extern int fx_plain(int x);

static noinline int fx_use(void)
{
	return fx_gpl_only(1) + fx_plain(2);
}

static int __init fx_init(void)
{
	pr_info("fx_kflag_prop: %d\n", fx_use());
	return 0;
}

static void __exit fx_exit(void)
{
	pr_info("fx_kflag_prop: unloaded\n");
}

module_init(fx_init);
module_exit(fx_exit);

MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("modlint fixture: proprietary module using fx_gpl_only (GPL-only by its __kflagstab flag) and fx_plain");
