// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_importer_prop: proprietary module importing from
 * fx_exporter. Triggers U002 for fx_exported_gpl (EXPORT_SYMBOL_GPL in another
 * module) only; fx_exported_plain (EXPORT_SYMBOL) must not be reported.
 * Must not trigger: U001 (when fx_exporter's exports are known), M001, X001,
 * X002, X006.
 * modpost refuses this module; build.sh forces the .ko (FX_FORCE_LICENSE is
 * only defined for a temporary build that lets modpost generate .mod.c).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern int fx_exported_gpl(int x);
extern int fx_exported_plain(int x);

static int __init fx_importer_prop_init(void)
{
	pr_info("fx_importer_prop: %d %d\n", fx_exported_gpl(3),
		fx_exported_plain(4));
	return 0;
}

static void __exit fx_importer_prop_exit(void)
{
	pr_info("fx_importer_prop: unloaded\n");
}

module_init(fx_importer_prop_init);
module_exit(fx_importer_prop_exit);

#ifdef FX_FORCE_LICENSE
MODULE_LICENSE("GPL");
#else
MODULE_LICENSE("Proprietary");
#endif
MODULE_DESCRIPTION("modlint fixture: proprietary module using a GPL-only module export");
