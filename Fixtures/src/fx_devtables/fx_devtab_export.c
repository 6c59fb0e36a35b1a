// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_devtab_export: fx_devtab_noexport.c with both id tables
 * exported by MODULE_DEVICE_TABLE. Must not trigger D006.
 */
#include <linux/init.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>

static int fx_export_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return 0;
}

static const struct pci_device_id fx_export_pci_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x10f2) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_export_pci_ids);

static struct pci_driver fx_export_pci_driver = {
	.name = "fx_export_pci",
	.id_table = fx_export_pci_ids,
	.probe = fx_export_pci_probe,
};

static const struct of_device_id fx_export_of_ids[] = {
	{ .compatible = "modlint,fx-export" },
	{ }
};
MODULE_DEVICE_TABLE(of, fx_export_of_ids);

static int fx_export_platform_probe(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver fx_export_platform_driver = {
	.probe = fx_export_platform_probe,
	.driver = {
		.name = "fx_export",
		.of_match_table = fx_export_of_ids,
	},
};

static int __init fx_export_init(void)
{
	int err = pci_register_driver(&fx_export_pci_driver);

	if (err)
		return err;
	err = platform_driver_register(&fx_export_platform_driver);
	if (err)
		pci_unregister_driver(&fx_export_pci_driver);
	return err;
}
module_init(fx_export_init);

static void __exit fx_export_exit(void)
{
	platform_driver_unregister(&fx_export_platform_driver);
	pci_unregister_driver(&fx_export_pci_driver);
}
module_exit(fx_export_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: id tables exported with MODULE_DEVICE_TABLE");
