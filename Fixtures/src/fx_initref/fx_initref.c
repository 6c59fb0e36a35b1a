// SPDX-License-Identifier: GPL-2.0
/*
 * modlint fixture fx_initref: references into and between .init.* and
 * .exit.* sections.
 *
 * Triggers X003 (references-init):
 *   fx_text_calls_init (.text)  calls the __init function fx_setup_once
 *   fx_holder          (.data)  .setup = fx_setup_data (__init)
 * Triggers X004 (init-exit-cross-reference):
 *   fx_init_calls_exit (the module's init, .init.text) calls the __exit
 *                      function fx_cleanup_hw on its error path
 *   fx_exit_calls_init (__exit, .exit.text) calls the __init function
 *                      fx_late_init_helper
 * Triggers X005 (exported-init-or-exit):
 *   EXPORT_SYMBOL(fx_exported_init), fx_exported_init is __init
 * Must NOT trigger (sanctioned or whitelisted):
 *   fx_thing_ops  (.data) .setup = fx_setup_ops (__init): modpost whitelists
 *                 data objects named *_ops
 *   fx_ref_caller (__ref, .ref.text) calls the __init fx_ref_target
 *   fx_ref_thing  (__refdata, .ref.data) .setup = fx_ref_data_target (__init)
 *   fx_init_thing (__initdata, .init.data) .setup = fx_initdata_target (__init)
 *   fx_exit_thing (__exitdata, .exit.data) .teardown = fx_exitdata_target (__exit)
 * Must not trigger: U001, U002, M001, X001, X002, X006.
 */
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

struct fx_thing {
	const char *name;
	int (*setup)(void);
	void (*teardown)(void);
};

int fx_text_calls_init(void);
int fx_exported_init(void);
int fx_ref_caller(void);

/*
 * X003, code: a normal (non-__init) function calls an __init function.
 * __init implies __cold, so gcc 12 would move the block with the call to
 * fx_text_calls_init.cold in .text.unlikely (or, with the call on every path,
 * the whole function to .text.unlikely); keeping the function whole in .text
 * needs block partitioning off for this one function.
 */
static noinline int __init fx_setup_once(void)
{
	pr_info("fx_initref: setup once\n");
	return 0;
}

static bool fx_setup_done;

noinline __attribute__((optimize("no-reorder-blocks-and-partition")))
int fx_text_calls_init(void)
{
	if (fx_setup_done)
		return 0;
	fx_setup_done = true;
	return fx_setup_once();
}

/* X003, data: a .data object points at an __init function. */
static noinline int __init fx_setup_data(void)
{
	pr_info("fx_initref: setup data\n");
	return 0;
}

static struct fx_thing fx_holder = {
	.name = "holder",
	.setup = fx_setup_data,
};

/* Not reported: modpost whitelists data objects whose name ends in _ops. */
static noinline int __init fx_setup_ops(void)
{
	pr_info("fx_initref: setup ops\n");
	return 0;
}

static struct fx_thing fx_thing_ops = {
	.name = "ops",
	.setup = fx_setup_ops,
};

/* X005: an __init function exported to other modules. */
noinline int __init fx_exported_init(void)
{
	pr_info("fx_initref: exported init\n");
	return 0;
}
EXPORT_SYMBOL(fx_exported_init);

/* Not reported: __ref is the sanctioned way for code to reach __init code. */
static noinline int __init fx_ref_target(void)
{
	pr_info("fx_initref: ref target\n");
	return 0;
}

noinline int __ref fx_ref_caller(void)
{
	pr_info("fx_initref: ref caller\n");
	return fx_ref_target();
}

/* Not reported: __refdata is the sanctioned way for data to reach __init code. */
static noinline int __init fx_ref_data_target(void)
{
	pr_info("fx_initref: ref data target\n");
	return 0;
}

static struct fx_thing fx_ref_thing __refdata = {
	.name = "ref",
	.setup = fx_ref_data_target,
};

/* Not reported: __initdata pointing at __init code is discarded together with it. */
static noinline int __init fx_initdata_target(void)
{
	pr_info("fx_initref: initdata target\n");
	return 0;
}

static struct fx_thing fx_init_thing __initdata = {
	.name = "initdata",
	.setup = fx_initdata_target,
};

/* Not reported: __exitdata pointing at __exit code. */
static noinline void __exit fx_exitdata_target(void)
{
	pr_info("fx_initref: exitdata target\n");
}

static struct fx_thing fx_exit_thing __exitdata = {
	.name = "exitdata",
	.teardown = fx_exitdata_target,
};

/* X004, init -> exit: the module's init calls an __exit function on its error path. */
static noinline void __exit fx_cleanup_hw(void)
{
	pr_info("fx_initref: cleanup hw\n");
}

static int __init fx_init_calls_exit(void)
{
	int ret;

	/* The addresses escape, so the objects and their pointers are kept. */
	pr_info("fx_initref: %ps %ps %ps %ps\n", &fx_holder, &fx_thing_ops,
		&fx_ref_thing, &fx_init_thing);
	ret = fx_holder.setup();
	if (!ret)
		ret = fx_thing_ops.setup();
	if (!ret)
		ret = fx_ref_thing.setup();
	if (!ret)
		ret = fx_init_thing.setup();
	if (!ret)
		ret = fx_exported_init();
	if (!ret)
		ret = fx_ref_caller();
	if (ret) {
		fx_cleanup_hw();
		return ret;
	}
	return 0;
}

/* X004, exit -> init: an __exit function calls an __init function. */
/* void: with an unused int result gcc would call a clone fx_late_init_helper.isra.0 */
static noinline void __init fx_late_init_helper(void)
{
	pr_info("fx_initref: late init helper\n");
}

static noinline void __exit fx_exit_calls_init(void)
{
	pr_info("fx_initref: exit calls init\n");
	fx_late_init_helper();
}

static void __exit fx_initref_exit(void)
{
	pr_info("fx_initref: %ps\n", &fx_exit_thing);
	fx_exit_thing.teardown();
	fx_exit_calls_init();
}

module_init(fx_init_calls_exit);
module_exit(fx_initref_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modlint fixture: references into and between init and exit sections");
