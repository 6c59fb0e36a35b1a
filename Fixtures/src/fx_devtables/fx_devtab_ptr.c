// SPDX-License-Identifier: GPL-2.0
/*
 * Duplicate rows whose driver data is a pointer: relocations fill it (in a RELA
 * object the table bytes hold zero), so only the relocations tell the rows
 * apart. fx_ptr_of_ids[2] repeats [0] with other data, fx_ptr_of_ids[3]
 * repeats [1] with the same data.
 */
#include <linux/module.h>
#include <linux/mod_devicetable.h>

struct fx_chip_info { int revision; };
static const struct fx_chip_info fx_chip_a = { 1 };
static const struct fx_chip_info fx_chip_b = { 2 };

static const struct of_device_id fx_ptr_of_ids[] = {
	{ .compatible = "modlint,fx-ptr-a", .data = &fx_chip_a },
	{ .compatible = "modlint,fx-ptr-b", .data = &fx_chip_b },
	{ .compatible = "modlint,fx-ptr-a", .data = &fx_chip_b },
	{ .compatible = "modlint,fx-ptr-b", .data = &fx_chip_b },
	{ }
};
MODULE_DEVICE_TABLE(of, fx_ptr_of_ids);

static int __init fx_devtab_ptr_init(void) { return 0; }
static void __exit fx_devtab_ptr_exit(void) { }
module_init(fx_devtab_ptr_init);
module_exit(fx_devtab_ptr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: duplicate device-table rows with pointer driver data");
