// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for a 7.1+ vmlinux ELF: every export in __ksymtab, GPL-only-ness in the
 * parallel byte array __kflagstab (bit 0, KSYM_FLAG_GPL_ONLY), each byte labelled
 * __flags_<name>. fx_plain: EXPORT_SYMBOL (flags 0); fx_gpl: EXPORT_SYMBOL_GPL in FX_NS
 * (flags 1); fx_kvm_only: EXPORT_SYMBOL_FOR_MODULES(fx_kvm_only, "kvm,kvm-amd") (GPL-only,
 * namespace module:kvm,kvm-amd), whose flags byte has no label (it is found by its index).
 * No CRCs (modversions off, as in Debian's 7.x).
 */
struct kernel_symbol { int value_offset, name_offset, namespace_offset; };

int fx_plain(void) { return 1; }
int fx_gpl(void) { return 2; }
int fx_kvm_only(void) { return 3; }

#define STR(sec) __attribute__((section(sec), used, aligned(4)))
#define FLAGS __attribute__((section("__kflagstab"), used))
STR("__ksymtab_strings") const char __kstrtab_fx_plain[] = "fx_plain";
STR("__ksymtab_strings") const char __kstrtabns_fx_plain[] = "";
STR("__ksymtab_strings") const char __kstrtab_fx_gpl[] = "fx_gpl";
STR("__ksymtab_strings") const char __kstrtabns_fx_gpl[] = "FX_NS";
STR("__ksymtab_strings") const char __kstrtab_fx_kvm_only[] = "fx_kvm_only";
STR("__ksymtab_strings") const char __kstrtabns_fx_kvm_only[] = "module:kvm,kvm-amd";
STR("__ksymtab") const struct kernel_symbol __ksymtab_fx_gpl = { 0, 0, 0 };
STR("__ksymtab") const struct kernel_symbol __ksymtab_fx_kvm_only = { 0, 0, 0 };
STR("__ksymtab") const struct kernel_symbol __ksymtab_fx_plain = { 0, 0, 0 };
FLAGS const unsigned char __flags_fx_gpl = 1;
FLAGS const unsigned char fx_kvm_only_flags_byte = 1;
FLAGS const unsigned char __flags_fx_plain = 0;

void _start(void) { for (;;) ; }
