// CRC-32C (Castagnoli) with hardware acceleration and a portable fallback.
// Why this is C: see include/CCRC32C.h.
#include "CCRC32C.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

// Reflected CRC-32C polynomial (RFC 3720 §B.4; docs/reference/tensorboard-format.md, "CRC-32C and the mask").
#define CCRC32C_POLYNOMIAL 0x82F63B78u

static uint32_t table[8][256];

// Builds the slicing-by-8 tables once, before main (a constructor keeps the call sites free of
// initialisation checks; the tables are read-only afterwards).
__attribute__((constructor)) static void CCRC32C_buildTables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t crc = i;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (CCRC32C_POLYNOMIAL & (0u - (crc & 1u)));
        table[0][i] = crc;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int s = 1; s < 8; s++) table[s][i] = (table[s - 1][i] >> 8) ^ table[0][table[s - 1][i] & 0xFF];
    }
}

// Slicing-by-8: eight table look-ups per 8 input bytes. Must be C to share the tables and the
// constructor above with no Swift-side initialisation cost.
uint32_t CCRC32C_extendSoftware(uint32_t crc, const void *bytes, size_t length) {
    const uint8_t *p = (const uint8_t *)bytes;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        uint32_t low = (uint32_t)word ^ crc;
        uint32_t high = (uint32_t)(word >> 32);
        crc = table[7][low & 0xFF] ^ table[6][(low >> 8) & 0xFF] ^ table[5][(low >> 16) & 0xFF] ^
              table[4][low >> 24] ^ table[3][high & 0xFF] ^ table[2][(high >> 8) & 0xFF] ^
              table[1][(high >> 16) & 0xFF] ^ table[0][high >> 24];
        p += 8;
        length -= 8;
    }
    while (length--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xFF];
    return crc;
}

#if defined(__x86_64__)
// The SSE4.2 crc32 instruction, 8 bytes per instruction. Must be C: it needs the
// `target("sse4.2")` attribute so the rest of the package still runs on CPUs without it.
__attribute__((target("sse4.2"))) uint32_t CCRC32C_extendHardware(uint32_t crc, const void *bytes, size_t length) {
    const uint8_t *p = (const uint8_t *)bytes;
    uint64_t crc64 = crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, p, 8);
        crc64 = _mm_crc32_u64(crc64, word);
        p += 8;
        length -= 8;
    }
    uint32_t crc32 = (uint32_t)crc64;
    while (length--) crc32 = _mm_crc32_u8(crc32, *p++);
    return crc32;
}

// Must be C: GCC/Clang's CPU feature probe has no Swift spelling.
int CCRC32C_hasHardwareSupport(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}
#else
uint32_t CCRC32C_extendHardware(uint32_t crc, const void *bytes, size_t length) {
    return CCRC32C_extendSoftware(crc, bytes, length);
}

int CCRC32C_hasHardwareSupport(void) { return 0; }
#endif

static int hardware = -1;

__attribute__((constructor)) static void CCRC32C_detect(void) { hardware = CCRC32C_hasHardwareSupport(); }

uint32_t CCRC32C_extend(uint32_t crc, const void *bytes, size_t length) {
    return hardware == 1 ? CCRC32C_extendHardware(crc, bytes, length) : CCRC32C_extendSoftware(crc, bytes, length);
}
