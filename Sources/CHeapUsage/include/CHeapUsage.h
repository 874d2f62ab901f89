#ifndef CHEAPUSAGE_H
#define CHEAPUSAGE_H

#include <stddef.h>

/// Bytes the C allocator has handed out and not yet had back, by its own
/// books: mallinfo2's uordblks + hblkhd with glibc, the zones' size_in_use
/// on Darwin, 0 with any other C library. Lets a benchmark weigh what a
/// structure holds on the heap, malloc's per-chunk overhead and rounding
/// included. Swift's Glibc module does not export <malloc.h>, hence a shim.
size_t cheap_usage_bytes_in_use(void);

#endif
