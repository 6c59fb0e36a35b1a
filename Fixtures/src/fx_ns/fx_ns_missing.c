// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_ns_missing: uses usb_stor_sense_invalidCDB (namespace
 * USB_STORAGE, exported by the module usb-storage) and crypto_cipher_setkey
 * (namespace CRYPTO_INTERNAL, exported by vmlinux) without MODULE_IMPORT_NS:
 * triggers U003 twice. Must not trigger U001, U002, U007.
 * modpost refuses this module; build.sh forces the .ko (FX_FORCE_LICENSE is
 * only defined for a temporary build that lets modpost generate .mod.c, and
 * here it adds the namespace imports instead of a license).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

struct us_data;
struct crypto_cipher;
extern void usb_stor_sense_invalidCDB(struct us_data *us);
extern int crypto_cipher_setkey(struct crypto_cipher *tfm, const u8 *key,
				unsigned int keylen);

static int __init fx_ns_missing_init(void)
{
	pr_info("fx_ns_missing: %p %p\n", usb_stor_sense_invalidCDB,
		crypto_cipher_setkey);
	return 0;
}

static void __exit fx_ns_missing_exit(void)
{
	pr_info("fx_ns_missing: unloaded\n");
}

module_init(fx_ns_missing_init);
module_exit(fx_ns_missing_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: namespaced imports without MODULE_IMPORT_NS");
#ifdef FX_FORCE_LICENSE
MODULE_IMPORT_NS(USB_STORAGE);
MODULE_IMPORT_NS(CRYPTO_INTERNAL);
#endif
