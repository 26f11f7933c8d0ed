// CPU hints and vector comparisons that Swift cannot spell (inlined into their callers), and the one system-call
// routine a signal handler needs (in CLVIntrinsics.c).
#ifndef CLV_INTRINSICS_H
#define CLV_INTRINSICS_H

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Asks the CPU to start loading the cache line at `address` for reading, without waiting for it.
/// Used to overlap the cache misses of hash-table probes that the caller knows it will make soon.
static inline __attribute__((always_inline)) void clv_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Bit i of the result is set when byte i of the 64 bytes at `p` equals `a`, `b` or `c` (all 64 bytes must be
/// readable). With SSE2 (every x86-64 CPU) this is four 16-byte loads and twelve comparisons; elsewhere a loop.
static inline __attribute__((always_inline)) unsigned long long clv_match64_3(const unsigned char *p, unsigned char a,
                                                                             unsigned char b, unsigned char c) {
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8((char)a), vb = _mm_set1_epi8((char)b), vc = _mm_set1_epi8((char)c);
    unsigned long long mask = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc));
        mask |= (unsigned long long)(unsigned)_mm_movemask_epi8(hit) << (16 * k);
    }
    return mask;
#else
    unsigned long long mask = 0;
    for (int i = 0; i < 64; i++) {
        if (p[i] == a || p[i] == b || p[i] == c) mask |= 1ULL << i;
    }
    return mask;
#endif
}

/// Removes the files directly in `path` and then the directory itself, with system calls only (safe in a
/// signal handler). Returns rmdir's result (0, or -1 with errno).
int clv_remove_flat_directory(const char *path);

/// 1 when the CPU has the SHA extensions (and SSSE3 and SSE4.1) that ``clv_sha256_blocks`` uses, else 0.
int clv_sha256_hardware_available(void);

/// Compresses `blocks` 64-byte blocks at `data` into the SHA-256 state `state` (a…h), with the CPU's SHA
/// instructions. Call only when ``clv_sha256_hardware_available`` is 1.
void clv_sha256_blocks(unsigned int state[8], const unsigned char *data, unsigned long blocks);

#endif
