// SPDX-License-Identifier: GPL-2.0
/*
 * Clean device tables of many bus types, no duplicates, plus one MODULE_ALIAS():
 * the aliases modpost derived are the oracle for modlint's modalias strings.
 */
#include <linux/module.h>
#include <linux/mod_devicetable.h>
#include <linux/pci.h>
#include <linux/usb.h>
#include <linux/input.h>
#include <linux/dmi.h>
#include <asm/cpu_device_id.h>

static const struct pci_device_id fx_clean_pci_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1000) },
	{ PCI_DEVICE_SUB(0x10de, PCI_ANY_ID, 0x1043, 0x8888) },
	{ PCI_DEVICE_CLASS(PCI_CLASS_SERIAL_USB_XHCI, ~0) },
	{ PCI_VDEVICE(INTEL, 0x0f00), .class = 0x030000, .class_mask = 0xff0000 },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x15b3, 0x101e) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_clean_pci_ids);

static const struct usb_device_id fx_clean_usb_ids[] = {
	{ USB_DEVICE(0x046d, 0xc52b) },
	{ USB_DEVICE_VER(0x0bda, 0x8153, 0x0100, 0x2999) },
	{ USB_DEVICE_VER(0x0781, 0x5567, 0x0000, 0x9999) },
	{ USB_INTERFACE_INFO(USB_CLASS_HID, 1, 1) },
	{ USB_DEVICE_AND_INTERFACE_INFO(0x12d1, 0x1506, 0xff, 0x02, 0x12) },
	{ USB_DEVICE_INTERFACE_NUMBER(0x2c7c, 0x0125, 4) },
	{ }
};
MODULE_DEVICE_TABLE(usb, fx_clean_usb_ids);

static const struct of_device_id fx_clean_of_ids[] = {
	{ .compatible = "modlint,fx-clean" },
	{ .name = "fxnode", .type = "fx type" },
	{ .type = "serial", .compatible = "ns16550a" },
	{ }
};
MODULE_DEVICE_TABLE(of, fx_clean_of_ids);

static const struct acpi_device_id fx_clean_acpi_ids[] = {
	{ "MLNT0001", 0 },
	{ "", 0, 0x010601, 0xffffff },
	{ "", 0, 0x0c0300, 0xffff00 },
	{ }
};
MODULE_DEVICE_TABLE(acpi, fx_clean_acpi_ids);

static const struct i2c_device_id fx_clean_i2c_ids[] = {
	{ "fx-sensor", 0 },
	{ "fx-sensor2", 1 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, fx_clean_i2c_ids);

static const struct platform_device_id fx_clean_platform_ids[] = {
	{ "fx-clean-platform", 0 },
	{ }
};
MODULE_DEVICE_TABLE(platform, fx_clean_platform_ids);

static const struct spi_device_id fx_clean_spi_ids[] = {
	{ "fx-flash", 0 },
	{ }
};
MODULE_DEVICE_TABLE(spi, fx_clean_spi_ids);

static const struct hid_device_id fx_clean_hid_ids[] = {
	{ .bus = 0x0003, .group = 0, .vendor = 0x046d, .product = 0xc077 },
	{ .bus = 0xffff, .group = 0x0001, .vendor = ~0U, .product = ~0U },
	{ }
};
MODULE_DEVICE_TABLE(hid, fx_clean_hid_ids);

static const struct input_device_id fx_clean_input_ids[] = {
	{
		.flags = INPUT_DEVICE_ID_MATCH_EVBIT | INPUT_DEVICE_ID_MATCH_KEYBIT,
		.evbit = { BIT_MASK(EV_KEY) },
		.keybit = { [BIT_WORD(BTN_TOUCH)] = BIT_MASK(BTN_TOUCH) },
	},
	{
		.flags = INPUT_DEVICE_ID_MATCH_BUS | INPUT_DEVICE_ID_MATCH_VENDOR | INPUT_DEVICE_ID_MATCH_EVBIT |
			 INPUT_DEVICE_ID_MATCH_ABSBIT,
		.bustype = BUS_USB, .vendor = 0x056a,
		.evbit = { BIT_MASK(EV_ABS) },
		.absbit = { BIT_MASK(ABS_X) | BIT_MASK(ABS_Y) },
	},
	{ }
};
MODULE_DEVICE_TABLE(input, fx_clean_input_ids);

static const struct dmi_system_id fx_clean_dmi_ids[] = {
	{
		.ident = "Fixture Laptop",
		.matches = {
			DMI_MATCH(DMI_SYS_VENDOR, "Fixture Corp."),
			DMI_EXACT_MATCH(DMI_PRODUCT_NAME, "FX 1000: Pro"),
		},
	},
	{ }
};
MODULE_DEVICE_TABLE(dmi, fx_clean_dmi_ids);

static const struct mdio_device_id fx_clean_mdio_ids[] = {
	{ 0x001cc910, 0xfffffff0 },
	{ }
};
MODULE_DEVICE_TABLE(mdio, fx_clean_mdio_ids);

static const struct virtio_device_id fx_clean_virtio_ids[] = {
	{ 1, VIRTIO_DEV_ANY_ID },
	{ }
};
MODULE_DEVICE_TABLE(virtio, fx_clean_virtio_ids);

static const struct sdio_device_id fx_clean_sdio_ids[] = {
	{ .class = SDIO_ANY_ID, .vendor = 0x02d0, .device = 0x4329 },
	{ }
};
MODULE_DEVICE_TABLE(sdio, fx_clean_sdio_ids);

static const struct serio_device_id fx_clean_serio_ids[] = {
	{ .type = 0x01, .proto = SERIO_ANY, .id = SERIO_ANY, .extra = SERIO_ANY },
	{ }
};
MODULE_DEVICE_TABLE(serio, fx_clean_serio_ids);

static const struct x86_cpu_id fx_clean_cpu_ids[] = {
	X86_MATCH_VENDOR_FAM_MODEL(INTEL, 6, 0x55, NULL),
	X86_MATCH_FEATURE(X86_FEATURE_AES, NULL),
	{ }
};
MODULE_DEVICE_TABLE(x86cpu, fx_clean_cpu_ids);

static const struct wmi_device_id fx_clean_wmi_ids[] = {
	{ .guid_string = "ABBC0F72-8EA1-11D1-00A0-C90629100000" },
	{ }
};
MODULE_DEVICE_TABLE(wmi, fx_clean_wmi_ids);

static const struct hda_device_id fx_clean_hda_ids[] = {
	{ .vendor_id = 0x10ec0269, .rev_id = 0, .api_version = 0 },
	{ }
};
MODULE_DEVICE_TABLE(hdaudio, fx_clean_hda_ids);

static int __init fx_devtab_clean_init(void) { return 0; }
static void __exit fx_devtab_clean_exit(void) { }
module_init(fx_devtab_clean_init);
module_exit(fx_devtab_clean_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: clean device tables of many bus types");
MODULE_ALIAS("fx-devtab-clean-extra");
