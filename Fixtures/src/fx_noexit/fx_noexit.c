// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_noexit: triggers X006 (module_init without module_exit;
 * such a module cannot be unloaded). modpost prints nothing for it.
 * Must not trigger: U001, U002, M001, X001, X002.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init fx_noexit_init(void)
{
	pr_info("fx_noexit: loaded, cannot be unloaded\n");
	return 0;
}

module_init(fx_noexit_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: module_init without module_exit");
