// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_exitref (platform_driver.remove returns int up to 6.10,
 * void since 6.11).
 * Triggers X001 (code references .exit.text): fx_normal_function (.text or
 * .text.unlikely) calls the __exit function fx_teardown.
 * Triggers X002 (data references .exit.text) twice:
 *   fx_platform_driver.remove = fx_remove  (__exit; modpost 6.1 stays silent
 *                                           because of its "*driver" whitelist)
 *   fx_pdrv_nowl.remove       = fx_remove2 (__exit; modpost 6.1 warns)
 * Must not trigger: U001, U002, M001, X006.
 */
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/version.h>

void fx_normal_function(void);

static noinline void __exit fx_teardown(void)
{
	pr_info("fx_exitref: teardown\n");
}

noinline void fx_normal_function(void)
{
	pr_info("fx_exitref: normal function\n");
	fx_teardown();
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
static void __exit fx_remove(struct platform_device *pdev)
{
	pr_info("fx_exitref: remove %s\n", pdev->name);
}

static void __exit fx_remove2(struct platform_device *pdev)
{
	pr_info("fx_exitref: remove2 id %d\n", pdev->id);
}
#else
static int __exit fx_remove(struct platform_device *pdev)
{
	pr_info("fx_exitref: remove %s\n", pdev->name);
	return 0;
}

static int __exit fx_remove2(struct platform_device *pdev)
{
	pr_info("fx_exitref: remove2 id %d\n", pdev->id);
	return 0;
}
#endif

static struct platform_driver fx_platform_driver = {
	.remove = fx_remove,
	.driver = {
		.name = "fx_exitref",
	},
};

static struct platform_driver fx_pdrv_nowl = {
	.remove = fx_remove2,
	.driver = {
		.name = "fx_exitref_nowl",
	},
};

static int __init fx_exitref_init(void)
{
	int ret;

	fx_normal_function();
	ret = platform_driver_register(&fx_platform_driver);
	if (ret)
		return ret;
	ret = platform_driver_register(&fx_pdrv_nowl);
	if (ret)
		platform_driver_unregister(&fx_platform_driver);
	return ret;
}

static void __exit fx_exitref_exit(void)
{
	platform_driver_unregister(&fx_pdrv_nowl);
	platform_driver_unregister(&fx_platform_driver);
}

module_init(fx_exitref_init);
module_exit(fx_exitref_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: references to __exit code");
