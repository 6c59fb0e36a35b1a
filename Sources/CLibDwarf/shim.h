#ifndef MODLINT_CLIBDWARF_SHIM_H
#define MODLINT_CLIBDWARF_SHIM_H
/* Debian 12 installs libdwarf 20210528 under <libdwarf/>; some 0.x installs use <libdwarf-0/>.
   A bare <dwarf.h> could be elfutils' own header, so never rely on it first. */
#if __has_include(<libdwarf/libdwarf.h>)
#  include <libdwarf/libdwarf.h>
#  include <libdwarf/dwarf.h>
#elif __has_include(<libdwarf-0/libdwarf.h>)
#  include <libdwarf-0/libdwarf.h>
#  include <libdwarf-0/dwarf.h>
#else
#  include <libdwarf.h>
#  include <dwarf.h>
#endif
#endif
