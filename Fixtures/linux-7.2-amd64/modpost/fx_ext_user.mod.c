#include <linux/module.h>
#include <linux/export-internal.h>
#include <linux/compiler.h>

MODULE_INFO(name, KBUILD_MODNAME);

__visible struct module __this_module
__section(".gnu.linkonce.this_module") = {
	.name = KBUILD_MODNAME,
	.init = init_module,
#ifdef CONFIG_MODULE_UNLOAD
	.exit = cleanup_module,
#endif
	.arch = MODULE_ARCH_INIT,
};



static const struct modversion_info ____versions[]
__used __section("__versions") = {
	{ 0x00000000, "__fentry__" },
	{ 0x1a2b3c4d, "fx_plain" },
	{ 0x00000000, "__x86_return_thunk" },
	{ 0x00000000, "_printk" },
	{ 0x4f1e2d3c, "module_layout" },
};

static const u32 ____version_ext_crcs[]
__used __section("__version_ext_crcs") = {
	0x00000000,
	0x1a2b3c4d,
	0x5e6f7a8b,
	0x00000000,
	0x00000000,
	0x4f1e2d3c,
};
static const char ____version_ext_names[]
__used __section("__version_ext_names") =
	"__fentry__\0"
	"fx_plain\0"
	"fx_exported_symbol_with_a_name_longer_than_a_versions_entry\0"
	"__x86_return_thunk\0"
	"_printk\0"
	"module_layout\0"
;

MODULE_INFO(depends, "fx_modexp");

