// SPDX-License-Identifier: GPL-2.0
/*
 * demo_usb: the driver half of the modlint demo package. It imports
 * demo_count_event from demo_core (same M= directory) and usb_register_driver
 * and usb_deregister from usbcore (a kernel module, in the headers'
 * Module.symvers).
 *
 * It sets .drvwrap.driver.owner by hand, which usb_register() does anyway:
 * modlint's O002 note. Built with -DDEMO_EXITREF it also calls an __exit
 * function from its disconnect handler, code that is discarded when the
 * driver is built in: modlint's X001 error (modpost only warns).
 */
#include <linux/module.h>
#include <linux/usb.h>

#include "demo.h"

static const struct usb_device_id demo_usb_ids[] = {
	{ USB_DEVICE(0x1d6b, 0x0104) },	/* Linux Foundation Multifunction Composite Gadget */
	{ }
};
MODULE_DEVICE_TABLE(usb, demo_usb_ids);

static noinline void __exit demo_usb_release_all(void)
{
	pr_info("demo_usb: released\n");
}

static int demo_usb_probe(struct usb_interface *intf, const struct usb_device_id *id)
{
	dev_info(&intf->dev, "demo_usb: event %d\n", demo_count_event("probe"));
	return 0;
}

static void demo_usb_disconnect(struct usb_interface *intf)
{
	demo_count_event("disconnect");
#ifdef DEMO_EXITREF
	demo_usb_release_all();
#endif
}

static struct usb_driver demo_usb_driver = {
	.name = "demo_usb",
	.probe = demo_usb_probe,
	.disconnect = demo_usb_disconnect,
	.id_table = demo_usb_ids,
	.drvwrap.driver.owner = THIS_MODULE,
};

static int __init demo_usb_init(void)
{
	return usb_register(&demo_usb_driver);
}

static void __exit demo_usb_exit(void)
{
	usb_deregister(&demo_usb_driver);
	demo_usb_release_all();
}

module_init(demo_usb_init);
module_exit(demo_usb_exit);

MODULE_DESCRIPTION("modlint demo: a USB driver importing from demo_core and usbcore");
MODULE_LICENSE("GPL");
