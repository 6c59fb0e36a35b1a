// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_size_large: a module whose core, as the 6.1 amd64
 * loader lays it out (text, rodata, data, this_module, the kallsyms copy of
 * its symbols), is just over one page (4096 bytes): size class vmalloc.
 * The padding array sets the size; Z001 reports the class.
 * Must not trigger: U001, M001, X001-X006.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

#define FX_SIZE_PAD 2624

static const char fx_size_pad[FX_SIZE_PAD] = { [0 ... FX_SIZE_PAD - 1] = 0x5a };

static int __init fx_size_large_init(void)
{
	pr_info("fx_size_large: %zu bytes of padding, last %d\n", sizeof(fx_size_pad),
		READ_ONCE(fx_size_pad[FX_SIZE_PAD - 1]));
	return 0;
}

static void __exit fx_size_large_exit(void)
{
	pr_info("fx_size_large: unloaded\n");
}

module_init(fx_size_large_init);
module_exit(fx_size_large_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: core just over one page (4096 bytes): size class vmalloc");
