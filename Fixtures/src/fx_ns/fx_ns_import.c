// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_ns_import: uses usb_stor_sense_invalidCDB, exported by
 * usb-storage in namespace USB_STORAGE, and imports that namespace: must not
 * trigger U003. It also imports CRYPTO_INTERNAL without using any symbol of
 * it: triggers U007 (unused-namespace-import) once.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

struct us_data;
extern void usb_stor_sense_invalidCDB(struct us_data *us);

static int __init fx_ns_import_init(void)
{
	pr_info("fx_ns_import: %p\n", usb_stor_sense_invalidCDB);
	return 0;
}

static void __exit fx_ns_import_exit(void)
{
	pr_info("fx_ns_import: unloaded\n");
}

module_init(fx_ns_import_init);
module_exit(fx_ns_import_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: namespaced import, one unused namespace import");
MODULE_IMPORT_NS(USB_STORAGE);
MODULE_IMPORT_NS(CRYPTO_INTERNAL);
