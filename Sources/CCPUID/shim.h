// The processor's own description of its instruction sets: the CPUID and XGETBV instructions,
// as two small inline functions (no library to link). On other architectures both report
// nothing, and the library treats the CPU as having no x86 extensions.
#include <stdint.h>

/// Fills registers[0...3] with EAX, EBX, ECX, EDX of CPUID(leaf, subleaf); zeros off x86-64.
static inline void alexnet_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t registers[4]) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(leaf), "c"(subleaf));
    registers[0] = a; registers[1] = b; registers[2] = c; registers[3] = d;
#else
    registers[0] = registers[1] = registers[2] = registers[3] = 0;
#endif
}

/// XCR0, the register-state components the operating system saves on a context switch
/// (bits 1–2: SSE and AVX registers; bits 5–7: AVX-512's). Only call when CPUID says OSXSAVE.
static inline uint64_t alexnet_xgetbv0(void) {
#if defined(__x86_64__) || defined(__i386__)
    uint32_t low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    return ((uint64_t)high << 32) | low;
#else
    return 0;
#endif
}
