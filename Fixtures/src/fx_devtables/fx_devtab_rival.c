// SPDX-License-Identifier: GPL-2.0
/*
 * Claims a PCI id and an OF compatible that fx_devtab_dup claims too (D005 when
 * both are linted in one run); its own tables have no duplicates.
 */
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/pci.h>

static const struct pci_device_id fx_rival_pci_ids[] = {
	{ PCI_DEVICE(0x8086, 0x1234) },
	{ PCI_DEVICE(0x8086, 0x9abc) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_rival_pci_ids);

static const struct of_device_id fx_rival_of_ids[] = {
	{ .compatible = "modlint,fx-other" },
	{ }
};
MODULE_DEVICE_TABLE(of, fx_rival_of_ids);

static int __init fx_devtab_rival_init(void) { return 0; }
static void __exit fx_devtab_rival_exit(void) { }
module_init(fx_devtab_rival_init);
module_exit(fx_devtab_rival_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: claims aliases another fixture claims");
