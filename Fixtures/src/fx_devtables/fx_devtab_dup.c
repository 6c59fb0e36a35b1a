// SPDX-License-Identifier: GPL-2.0
/*
 * Device tables with duplicate rows, for D001 (same match entry twice in one
 * table, also when only driver_data differs) and D002 (the same PCI id in two
 * PCI tables of one module). modpost 6.1 accepts all of it silently and writes
 * the duplicate aliases into .modinfo.
 */
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/pci.h>
#include <linux/usb.h>

static const struct pci_device_id fx_pci_ids[] = {
	{ PCI_DEVICE(0x8086, 0x1234) },
	{ PCI_DEVICE(0x8086, 0x5678) },
	{ PCI_DEVICE(0x8086, 0x1234) },
	{ PCI_DEVICE(0x8086, 0x5678), .driver_data = 1 },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_pci_ids);

static const struct pci_device_id fx_pci_ids_extra[] = {
	{ PCI_DEVICE(0x10ec, 0x8168) },
	{ PCI_DEVICE(0x8086, 0x1234) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_pci_ids_extra);

static const struct usb_device_id fx_usb_ids[] = {
	{ USB_DEVICE(0x1d6b, 0x0002) },
	{ USB_DEVICE(0x0bda, 0x8153) },
	{ USB_DEVICE(0x1d6b, 0x0002) },
	{ }
};
MODULE_DEVICE_TABLE(usb, fx_usb_ids);

static const struct of_device_id fx_of_ids[] = {
	{ .compatible = "modlint,fx-dup" },
	{ .compatible = "modlint,fx-other" },
	{ .compatible = "modlint,fx-dup", .data = (const void *)2 },
	{ }
};
MODULE_DEVICE_TABLE(of, fx_of_ids);

static int __init fx_devtab_dup_init(void) { return 0; }
static void __exit fx_devtab_dup_exit(void) { }
module_init(fx_devtab_dup_init);
module_exit(fx_devtab_dup_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: duplicate device-table entries");
