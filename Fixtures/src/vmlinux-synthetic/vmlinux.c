// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for a vmlinux ELF (Debian ships none outside its -dbg packages): a linked
 * executable whose symbol table has the shapes of 6.1's export tables, for the vmlinux
 * symbol source. fx_plain: EXPORT_SYMBOL, CRC 0x12345678, no namespace; fx_gpl:
 * EXPORT_SYMBOL_GPL in namespace FX_NS, CRC 0x9abcdef0; fx_old: an absolute __crc_ as
 * kernels up to 5.18 had (0x0badcafe). fx_local is not exported.
 */
struct kernel_symbol { int value_offset, name_offset, namespace_offset; };

int fx_plain(void) { return 1; }
int fx_gpl(void) { return 2; }
int fx_old(void) { return 3; }
int fx_local(void) { return 4; }

#define STR(sec) __attribute__((section(sec), used))
STR("__ksymtab_strings") const char __kstrtab_fx_plain[] = "fx_plain";
STR("__ksymtab_strings") const char __kstrtabns_fx_plain[] = "";
STR("__ksymtab_strings") const char __kstrtab_fx_gpl[] = "fx_gpl";
STR("__ksymtab_strings") const char __kstrtabns_fx_gpl[] = "FX_NS";
STR("__ksymtab_strings") const char __kstrtab_fx_old[] = "fx_old";
STR("__ksymtab_strings") const char __kstrtabns_fx_old[] = "";
STR("__ksymtab") const struct kernel_symbol __ksymtab_fx_old = { 0, 0, 0 };
STR("__ksymtab") const struct kernel_symbol __ksymtab_fx_plain = { 0, 0, 0 };
STR("__ksymtab_gpl") const struct kernel_symbol __ksymtab_fx_gpl = { 0, 0, 0 };
STR("__kcrctab") const unsigned int __crc_fx_plain = 0x12345678;
STR("__kcrctab_gpl") const unsigned int __crc_fx_gpl = 0x9abcdef0;
__asm__(".globl __crc_fx_old\n.set __crc_fx_old, 0x0badcafe\n");

void _start(void) { for (;;) ; }
