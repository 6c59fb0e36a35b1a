// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_gplonly: triggers U002 (GPL-only symbol used by a
 * GPL-incompatible module) twice: ktime_get and debugfs_create_dir, both
 * EXPORT_SYMBOL_GPL. _printk (via pr_info) is a plain EXPORT_SYMBOL and must
 * not be reported. (debugfs_remove is GPL-only too, so it is not used.)
 * Must not trigger: U001, M001, X001, X002, X006.
 * modpost refuses this module; build.sh forces the .ko (FX_FORCE_LICENSE is
 * only defined for a temporary build that lets modpost generate .mod.c).
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/timekeeping.h>

static struct dentry *fx_gplonly_dir;

static int __init fx_gplonly_init(void)
{
	ktime_t now = ktime_get();

	fx_gplonly_dir = debugfs_create_dir("fx_gplonly", NULL);
	pr_info("fx_gplonly: loaded at %lld ns, dir %p\n", (long long)now,
		fx_gplonly_dir);
	return 0;
}

static void __exit fx_gplonly_exit(void)
{
	pr_info("fx_gplonly: unloaded, dir %p left behind\n", fx_gplonly_dir);
}

module_init(fx_gplonly_init);
module_exit(fx_gplonly_exit);

#ifdef FX_FORCE_LICENSE
MODULE_LICENSE("GPL");
#else
MODULE_LICENSE("Proprietary");
#endif
MODULE_DESCRIPTION("modlint fixture: proprietary module using GPL-only symbols");
