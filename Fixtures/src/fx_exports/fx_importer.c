// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_importer: GPL module importing fx_exported_gpl and
 * fx_exported_plain from fx_exporter. Clean: must not trigger U001/U002
 * (when fx_exporter's exports are known), M001, X001, X002, X006.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_exported_gpl(int x);
extern int fx_exported_plain(int x);

static int __init fx_importer_init(void)
{
	pr_info("fx_importer: %d %d\n", fx_exported_gpl(1),
		fx_exported_plain(2));
	return 0;
}

static void __exit fx_importer_exit(void)
{
	pr_info("fx_importer: unloaded\n");
}

module_init(fx_importer_init);
module_exit(fx_importer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: GPL module importing module exports");
