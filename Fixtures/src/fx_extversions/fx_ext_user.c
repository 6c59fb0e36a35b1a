// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_ext_user (7.x): uses fx_plain and an export whose name does not fit a __versions entry; built with extended modversions
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_plain(int x);
extern int fx_exported_symbol_with_a_name_longer_than_a_versions_entry(int x);

static noinline int fx_use(void)
{
	return fx_plain(1) + fx_exported_symbol_with_a_name_longer_than_a_versions_entry(2);
}

static int __init fx_init(void)
{
	pr_info("fx_ext_user: %d\n", fx_use());
	return 0;
}

static void __exit fx_exit(void)
{
	pr_info("fx_ext_user: unloaded\n");
}

module_init(fx_init);
module_exit(fx_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: uses fx_plain and an export whose name does not fit a __versions entry; built with extended modversions");
