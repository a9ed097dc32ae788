#ifndef CCRC32C_H
#define CCRC32C_H
#include <stddef.h>
#include <stdint.h>
// Placeholder header; the real hardware CRC-32C shim replaces it.
uint32_t CCRC32C_placeholder(void);
#endif
