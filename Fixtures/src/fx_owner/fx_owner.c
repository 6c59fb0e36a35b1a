// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_owner (6.1 API): owner fields left unset or set by hand.
 * Triggers O001 (missing-owner) four times:
 *   fx_fops_no_owner      struct file_operations without .owner
 *   fx_bdops_no_owner     struct block_device_operations without .owner
 *   fx_fs_type_no_owner   struct file_system_type without .owner
 *   fx_xt_targets[1]      the second struct xt_target of an array without .me
 *                         (the first sets it)
 * Triggers O002 (redundant-owner) twice: fx_pci_driver and fx_platform_driver set
 * .driver.owner = THIS_MODULE although pci_register_driver() and
 * platform_driver_register() pass THIS_MODULE themselves.
 * Must not trigger O001 on fx_fops_with_owner (.owner = THIS_MODULE).
 */
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/netfilter/x_tables.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/version.h>

static int fx_open(struct inode *inode, struct file *file)
{
	pr_info("fx_owner: open\n");
	return 0;
}

static ssize_t fx_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	return 0;
}

static const struct file_operations fx_fops_no_owner = {
	.open = fx_open,
	.read = fx_read,
};

static const struct file_operations fx_fops_with_owner = {
	.owner = THIS_MODULE,
	.open = fx_open,
	.read = fx_read,
};

/* 6.5 changed block_device_operations.open to take the gendisk and a blk_mode_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static int fx_bd_open(struct gendisk *disk, blk_mode_t mode)
#else
static int fx_bd_open(struct block_device *bdev, fmode_t mode)
#endif
{
	return 0;
}

const struct block_device_operations fx_bdops_no_owner = {
	.open = fx_bd_open,
};

static void fx_kill_sb(struct super_block *sb)
{
	kill_anon_super(sb);
}

static struct file_system_type fx_fs_type_no_owner = {
	.name = "fx_ownerfs",
	.kill_sb = fx_kill_sb,
};

static int fx_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return 0;
}

static const struct pci_device_id fx_pci_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x10f0) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fx_pci_ids);

static struct pci_driver fx_pci_driver = {
	.name = "fx_owner_pci",
	.id_table = fx_pci_ids,
	.probe = fx_pci_probe,
	.driver = {
		.owner = THIS_MODULE,
	},
};

static int fx_pdev_probe(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver fx_platform_driver = {
	.probe = fx_pdev_probe,
	.driver = {
		.name = "fx_owner_platform",
		.owner = THIS_MODULE,
	},
};

static unsigned int fx_xt_target(struct sk_buff *skb, const struct xt_action_param *par)
{
	return XT_CONTINUE;
}

static struct xt_target fx_xt_targets[] = {
	{
		.name = "FXOWNA",
		.family = NFPROTO_IPV4,
		.target = fx_xt_target,
		.me = THIS_MODULE,
	},
	{
		.name = "FXOWNB",
		.family = NFPROTO_IPV4,
		.target = fx_xt_target,
	},
};

static int fx_major_a, fx_major_b;

static int __init fx_owner_init(void)
{
	int ret;

	fx_major_a = register_chrdev(0, "fx_owner_a", &fx_fops_no_owner);
	if (fx_major_a < 0)
		return fx_major_a;
	fx_major_b = register_chrdev(0, "fx_owner_b", &fx_fops_with_owner);
	ret = register_filesystem(&fx_fs_type_no_owner);
	if (ret)
		goto out_chrdev;
	ret = pci_register_driver(&fx_pci_driver);
	if (ret)
		goto out_fs;
	ret = platform_driver_register(&fx_platform_driver);
	if (ret)
		goto out_pci;
	ret = xt_register_targets(fx_xt_targets, ARRAY_SIZE(fx_xt_targets));
	if (ret)
		goto out_platform;
	return 0;
out_platform:
	platform_driver_unregister(&fx_platform_driver);
out_pci:
	pci_unregister_driver(&fx_pci_driver);
out_fs:
	unregister_filesystem(&fx_fs_type_no_owner);
out_chrdev:
	unregister_chrdev(fx_major_b, "fx_owner_b");
	unregister_chrdev(fx_major_a, "fx_owner_a");
	return ret;
}

static void __exit fx_owner_exit(void)
{
	xt_unregister_targets(fx_xt_targets, ARRAY_SIZE(fx_xt_targets));
	platform_driver_unregister(&fx_platform_driver);
	pci_unregister_driver(&fx_pci_driver);
	unregister_filesystem(&fx_fs_type_no_owner);
	unregister_chrdev(fx_major_b, "fx_owner_b");
	unregister_chrdev(fx_major_a, "fx_owner_a");
}

module_init(fx_owner_init);
module_exit(fx_owner_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: owner fields missing or set by hand");
