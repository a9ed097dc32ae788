#ifndef CCRC32C_H
#define CCRC32C_H

#include <stddef.h>
#include <stdint.h>

// Hand-written C for CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).
// Why C: the SSE4.2 `crc32` instruction is reached through a compiler intrinsic with a
// per-function target attribute and a runtime CPU check, which Swift cannot express.

/// Extends `crc` (the running, un-finalised register: start with 0xFFFFFFFF) over `length`
/// bytes, using SSE4.2 when the CPU has it and slicing-by-8 otherwise. Returns the new register.
uint32_t CCRC32C_extend(uint32_t crc, const void *bytes, size_t length);

/// The slicing-by-8 table implementation, exposed so tests can check it on any CPU.
uint32_t CCRC32C_extendSoftware(uint32_t crc, const void *bytes, size_t length);

/// The SSE4.2 implementation; only call it when CCRC32C_hasHardwareSupport() returns 1.
uint32_t CCRC32C_extendHardware(uint32_t crc, const void *bytes, size_t length);

/// 1 when this CPU has the SSE4.2 crc32 instruction, else 0.
int CCRC32C_hasHardwareSupport(void);

#endif
