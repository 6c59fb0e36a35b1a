#ifndef MODLINT_CLIBELF_SHIM_H
#define MODLINT_CLIBELF_SHIM_H
#include <libelf.h>
#include <gelf.h>
#include <elf.h>

/* Swift does not import function-like macros. */
static inline unsigned char modlint_gelf_st_type(unsigned char info) { return GELF_ST_TYPE(info); }
static inline unsigned char modlint_gelf_st_bind(unsigned char info) { return GELF_ST_BIND(info); }
static inline unsigned char modlint_gelf_st_visibility(unsigned char other) { return GELF_ST_VISIBILITY(other); }

#endif
