#ifndef MODLINT_CCOMPRESSION_SHIM_H
#define MODLINT_CCOMPRESSION_SHIM_H
#include <lzma.h>
#include <zstd.h>
#include <zlib.h>

/* inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)); Swift does not
 * import function-like macros. 15 + 16: a 32 KiB window, gzip header and trailer only. */
static inline int modlint_inflate_init_gzip(z_stream *stream) { return inflateInit2(stream, 15 + 16); }

/* LZMA_CONCATENATED is defined with UINT32_C(), which Swift does not import. */
static inline uint32_t modlint_lzma_concatenated(void) { return LZMA_CONCATENATED; }
static inline uint32_t modlint_lzma_ignore_check(void) { return LZMA_IGNORE_CHECK; }

#endif
