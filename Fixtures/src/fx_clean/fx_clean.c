// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_clean: a module with nothing wrong in it.
 * Must trigger no rule: not U001, U002, M001, X001, X002, X006.
 * GPL module using the GPL-only ktime_get() and platform driver API;
 * probe/remove are ordinary .text functions (not __exit).
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/timekeeping.h>
#include <linux/version.h>

static int fx_clean_probe(struct platform_device *pdev)
{
	pr_info("fx_clean: probe %s\n", pdev->name);
	return 0;
}

/* platform_driver.remove returns void since 6.11 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static void fx_clean_remove(struct platform_device *pdev)
{
	pr_info("fx_clean: remove id %d\n", pdev->id);
}
#else
static int fx_clean_remove(struct platform_device *pdev)
{
	pr_info("fx_clean: remove id %d\n", pdev->id);
	return 0;
}
#endif

static struct platform_driver fx_clean_driver = {
	.probe = fx_clean_probe,
	.remove = fx_clean_remove,
	.driver = {
		.name = "fx_clean",
	},
};

static int __init fx_clean_init(void)
{
	ktime_t now = ktime_get();

	pr_info("fx_clean: loaded at %lld ns\n", (long long)now);
	return platform_driver_register(&fx_clean_driver);
}

static void __exit fx_clean_exit(void)
{
	platform_driver_unregister(&fx_clean_driver);
	pr_info("fx_clean: unloaded\n");
}

module_init(fx_clean_init);
module_exit(fx_clean_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: clean module");
