// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_dup: exports fx_exported_plain, which fx_exporter
 * (Fixtures/src/fx_exports) exports too. Built on its own, so modpost does
 * not see both; linted together with fx_exporter it triggers U006
 * (exported-twice) once in each module. Must not trigger U001-U005, M001.
 */
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

int fx_exported_plain(int x)
{
	return x - 1;
}
EXPORT_SYMBOL(fx_exported_plain);

static int __init fx_dup_init(void)
{
	pr_info("fx_dup: %d\n", fx_exported_plain(1));
	return 0;
}

static void __exit fx_dup_exit(void)
{
	pr_info("fx_dup: unloaded\n");
}

module_init(fx_dup_init);
module_exit(fx_dup_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: exports a name another fixture module exports");
