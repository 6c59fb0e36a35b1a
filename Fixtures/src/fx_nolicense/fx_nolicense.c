// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_nolicense: triggers M001 (missing MODULE_LICENSE).
 * Otherwise clean: must not trigger U001, U002, X001, X002, X006.
 * (With no license the module counts as GPL-incompatible, but it uses only
 * plain EXPORT_SYMBOL symbols, so there is nothing for U002 to report.)
 * modpost refuses this module; build.sh forces the .ko (FX_FORCE_LICENSE is
 * only defined for a temporary build that lets modpost generate .mod.c).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init fx_nolicense_init(void)
{
	pr_info("fx_nolicense: loaded\n");
	return 0;
}

static void __exit fx_nolicense_exit(void)
{
	pr_info("fx_nolicense: unloaded\n");
}

module_init(fx_nolicense_init);
module_exit(fx_nolicense_exit);

#ifdef FX_FORCE_LICENSE
MODULE_LICENSE("GPL");
#endif
MODULE_DESCRIPTION("modlint fixture: no MODULE_LICENSE");
