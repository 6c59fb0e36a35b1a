// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_rodataref: references from constant data (.rodata), which
 * modpost does not check and modlint only checks with `strict-sections: true`.
 *   fx_const_ops_exit.stop  = fx_const_stop  (__exit) -> .rodata -> .exit.text (X002, strict only)
 *   fx_const_ops_init.start = fx_const_start (__init) -> .rodata -> .init.text (X003, strict only)
 * Nothing is reported with the default configuration.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

struct fx_const_thing {
	void (*start)(void);
	void (*stop)(void);
};

static void __init fx_const_start(void)
{
	pr_info("fx_rodataref: start\n");
}

static void __exit fx_const_stop(void)
{
	pr_info("fx_rodataref: stop\n");
}

static const struct fx_const_thing fx_const_table_exit = {
	.stop = fx_const_stop,
};

static const struct fx_const_thing fx_const_table_init = {
	.start = fx_const_start,
};

/* Keeps both tables: their addresses escape through a global pointer. */
const struct fx_const_thing *fx_rodataref_tables[2];

static int __init fx_rodataref_init(void)
{
	fx_rodataref_tables[0] = &fx_const_table_exit;
	fx_rodataref_tables[1] = &fx_const_table_init;
	return 0;
}

static void __exit fx_rodataref_exit(void)
{
	fx_rodataref_tables[0] = NULL;
}

module_init(fx_rodataref_init);
module_exit(fx_rodataref_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: references from .rodata into .init/.exit (strict mode)");
