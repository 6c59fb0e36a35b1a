// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_devtab_noexport: drivers whose id tables lack
 * MODULE_DEVICE_TABLE, so modpost derives no alias and nothing autoloads the
 * module. Triggers D006 (device-table-not-exported) twice:
 *   fx_noexport_pci_ids   id_table of fx_noexport_pci_driver (struct pci_driver)
 *   fx_noexport_of_ids    driver.of_match_table of fx_noexport_platform_driver
 * fx_devtab_export.c is the same module with both tables exported.
 */
#include <linux/init.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>

static int fx_noexport_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return 0;
}

static const struct pci_device_id fx_noexport_pci_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x10f1) },
	{ }
};

static struct pci_driver fx_noexport_pci_driver = {
	.name = "fx_noexport_pci",
	.id_table = fx_noexport_pci_ids,
	.probe = fx_noexport_pci_probe,
};

static const struct of_device_id fx_noexport_of_ids[] = {
	{ .compatible = "modlint,fx-noexport" },
	{ }
};

static int fx_noexport_platform_probe(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver fx_noexport_platform_driver = {
	.probe = fx_noexport_platform_probe,
	.driver = {
		.name = "fx_noexport",
		.of_match_table = fx_noexport_of_ids,
	},
};

static int __init fx_noexport_init(void)
{
	int err = pci_register_driver(&fx_noexport_pci_driver);

	if (err)
		return err;
	err = platform_driver_register(&fx_noexport_platform_driver);
	if (err)
		pci_unregister_driver(&fx_noexport_pci_driver);
	return err;
}
module_init(fx_noexport_init);

static void __exit fx_noexport_exit(void)
{
	platform_driver_unregister(&fx_noexport_platform_driver);
	pci_unregister_driver(&fx_noexport_pci_driver);
}
module_exit(fx_noexport_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: id tables without MODULE_DEVICE_TABLE");
