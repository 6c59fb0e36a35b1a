// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_undef: triggers U001 (unresolved symbol) for
 * fx_no_such_symbol, which no module and not vmlinux exports.
 * fx_weak_optional is a weak undefined reference: it must NOT trigger U001
 * (the loader resolves a missing weak symbol to 0; modpost ignores it too).
 * Must not trigger: U002, M001, X001, X002, X006.
 * Built with KBUILD_MODPOST_WARN=1 so that kbuild still produces the .ko.
 */
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

extern void fx_no_such_symbol(void);
extern void fx_weak_optional(void) __attribute__((weak));

static noinline void fx_undef_use(void)
{
	fx_no_such_symbol();
	if (fx_weak_optional)
		fx_weak_optional();
	pr_info("fx_undef: used\n");
}

static int __init fx_undef_init(void)
{
	fx_undef_use();
	return 0;
}

static void __exit fx_undef_exit(void)
{
	pr_info("fx_undef: unloaded\n");
}

module_init(fx_undef_init);
module_exit(fx_undef_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: unresolved and weak undefined symbols");
