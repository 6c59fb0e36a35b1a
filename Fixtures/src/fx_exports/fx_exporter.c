// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_exporter: exports one GPL-only and one plain symbol for
 * fx_importer and fx_importer_prop. Clean: must trigger no rule.
 */
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

int fx_exported_gpl(int x);
int fx_exported_plain(int x);

noinline int fx_exported_gpl(int x)
{
	pr_info("fx_exporter: gpl %d\n", x);
	return x + 1;
}
EXPORT_SYMBOL_GPL(fx_exported_gpl);

noinline int fx_exported_plain(int x)
{
	pr_info("fx_exporter: plain %d\n", x);
	return x + 2;
}
EXPORT_SYMBOL(fx_exported_plain);

static int __init fx_exporter_init(void)
{
	pr_info("fx_exporter: loaded\n");
	return 0;
}

static void __exit fx_exporter_exit(void)
{
	pr_info("fx_exporter: unloaded\n");
}

module_init(fx_exporter_init);
module_exit(fx_exporter_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: exports a GPL-only and a plain symbol");
