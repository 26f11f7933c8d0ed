// CPU hints that Swift cannot spell. Header-only: the functions are inlined into their callers.
#ifndef CLV_INTRINSICS_H
#define CLV_INTRINSICS_H

/// Asks the CPU to start loading the cache line at `address` for reading, without waiting for it.
/// Used to overlap the cache misses of hash-table probes that the caller knows it will make soon.
static inline __attribute__((always_inline)) void clv_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// The same, for a line the caller will write.
static inline __attribute__((always_inline)) void clv_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
