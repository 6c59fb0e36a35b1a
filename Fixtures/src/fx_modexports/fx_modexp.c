// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_modexp (7.x): exports in every shape a 7.x module
 * exporter has. modpost 7.1+ puts them all in __ksymtab and records
 * GPL-only-ness per symbol in __kflagstab.
 *  - fx_for_friends: EXPORT_SYMBOL_FOR_MODULES (6.16+), namespace
 *    "module:fx_friend,fx-glob-*": only fx_friend and modules whose name
 *    starts with fx-glob- (or fx_glob_) may use it.
 *  - fx_gpl_only: EXPORT_SYMBOL_GPL, fx_plain: EXPORT_SYMBOL.
 *  - fx_in_ns: EXPORT_SYMBOL_NS_GPL in namespace FX_NS.
 *  - a plain export whose name is longer than a __versions entry holds
 *    (55 bytes), for extended modversions.
 */
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

int fx_for_friends(int x);
int fx_gpl_only(int x);
int fx_plain(int x);
int fx_in_ns(int x);
int fx_exported_symbol_with_a_name_longer_than_a_versions_entry(int x);

noinline int fx_for_friends(int x)
{
	pr_info("fx_modexp: friends %d\n", x);
	return x + 1;
}
EXPORT_SYMBOL_FOR_MODULES(fx_for_friends, "fx_friend,fx-glob-*");

noinline int fx_gpl_only(int x)
{
	pr_info("fx_modexp: gpl %d\n", x);
	return x + 2;
}
EXPORT_SYMBOL_GPL(fx_gpl_only);

noinline int fx_plain(int x)
{
	pr_info("fx_modexp: plain %d\n", x);
	return x + 3;
}
EXPORT_SYMBOL(fx_plain);

noinline int fx_in_ns(int x)
{
	pr_info("fx_modexp: ns %d\n", x);
	return x + 4;
}
EXPORT_SYMBOL_NS_GPL(fx_in_ns, "FX_NS");

noinline int fx_exported_symbol_with_a_name_longer_than_a_versions_entry(int x)
{
	pr_info("fx_modexp: long %d\n", x);
	return x + 5;
}
EXPORT_SYMBOL(fx_exported_symbol_with_a_name_longer_than_a_versions_entry);

static int __init fx_modexp_init(void)
{
	pr_info("fx_modexp: loaded\n");
	return 0;
}

static void __exit fx_modexp_exit(void)
{
	pr_info("fx_modexp: unloaded\n");
}

module_init(fx_modexp_init);
module_exit(fx_modexp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: 7.x exports (module-restricted, GPL-only via __kflagstab, namespaced)");
