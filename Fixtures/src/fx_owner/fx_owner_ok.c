// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_owner_ok (6.1 API): owner fields as they should be.
 * fx_ok_fops, fx_ok_bdops and fx_ok_fs_type set .owner = THIS_MODULE;
 * fx_ok_platform_driver leaves .driver.owner to platform_driver_register().
 * fx_ok_alg_ops (struct proto_ops) has no .owner: af_alg pins the module
 * through fx_ok_alg_type.owner while a socket of the type is bound.
 * Must trigger neither O001 nor O002.
 */
#include <crypto/if_alg.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/version.h>

static int fx_ok_open(struct inode *inode, struct file *file)
{
	pr_info("fx_owner_ok: open\n");
	return 0;
}

static const struct file_operations fx_ok_fops = {
	.owner = THIS_MODULE,
	.open = fx_ok_open,
};

/* 6.5 changed block_device_operations.open to take the gendisk and a blk_mode_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
static int fx_ok_bd_open(struct gendisk *disk, blk_mode_t mode)
#else
static int fx_ok_bd_open(struct block_device *bdev, fmode_t mode)
#endif
{
	return 0;
}

const struct block_device_operations fx_ok_bdops = {
	.owner = THIS_MODULE,
	.open = fx_ok_bd_open,
};

static void fx_ok_kill_sb(struct super_block *sb)
{
	kill_anon_super(sb);
}

static struct file_system_type fx_ok_fs_type = {
	.owner = THIS_MODULE,
	.name = "fx_okfs",
	.kill_sb = fx_ok_kill_sb,
};
MODULE_ALIAS_FS("fx_okfs");

static int fx_ok_probe(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver fx_ok_platform_driver = {
	.probe = fx_ok_probe,
	.driver = {
		.name = "fx_owner_ok",
	},
};

static int fx_ok_alg_release(struct socket *sock)
{
	return 0;
}

static struct proto_ops fx_ok_alg_ops = {
	.family = PF_ALG,
	.release = fx_ok_alg_release,
};

static void *fx_ok_alg_bind(const char *name, u32 type, u32 mask)
{
	return ERR_PTR(-ENOENT);
}

static void fx_ok_alg_free(void *private)
{
}

static const struct af_alg_type fx_ok_alg_type = {
	.bind = fx_ok_alg_bind,
	.release = fx_ok_alg_free,
	.ops = &fx_ok_alg_ops,
	.name = "fx_owner_ok",
	.owner = THIS_MODULE,
};

static int fx_ok_major;

static int __init fx_owner_ok_init(void)
{
	int ret;

	fx_ok_major = register_chrdev(0, "fx_owner_ok", &fx_ok_fops);
	if (fx_ok_major < 0)
		return fx_ok_major;
	ret = register_filesystem(&fx_ok_fs_type);
	if (ret)
		goto out_chrdev;
	ret = platform_driver_register(&fx_ok_platform_driver);
	if (ret)
		goto out_fs;
	ret = af_alg_register_type(&fx_ok_alg_type);
	if (ret)
		goto out_platform;
	return 0;
out_platform:
	platform_driver_unregister(&fx_ok_platform_driver);
out_fs:
	unregister_filesystem(&fx_ok_fs_type);
out_chrdev:
	unregister_chrdev(fx_ok_major, "fx_owner_ok");
	return ret;
}

static void __exit fx_owner_ok_exit(void)
{
	af_alg_unregister_type(&fx_ok_alg_type);
	platform_driver_unregister(&fx_ok_platform_driver);
	unregister_filesystem(&fx_ok_fs_type);
	unregister_chrdev(fx_ok_major, "fx_owner_ok");
}

module_init(fx_owner_ok_init);
module_exit(fx_owner_ok_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: owner fields set where needed");
