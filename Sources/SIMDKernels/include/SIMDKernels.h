#ifndef BOILERSTRIP_SIMD_KERNELS_H
#define BOILERSTRIP_SIMD_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// How many of the `count` bytes at `bytes` a JSON string can hold as they are, for sure: bytes that are not a
/// quote, a backslash or a control byte, forming whole, valid UTF-8 sequences (as strict as
/// `UTF8Validation.sequenceLength`: no overlong forms, no surrogates, nothing above U+10FFFF). The answer may stop
/// short of the first byte that breaks this (at the start of the 32-byte block that holds it, or of the sequence
/// that block's start cuts), never past it, and always at the start of a sequence: the caller goes on from there
/// byte by byte. 0 when the processor has no AVX2 (the caller then does all the work) or `count` is under 64.
size_t boilerstrip_plain_prefix(const uint8_t *bytes, size_t count);

/// Whether `boilerstrip_plain_prefix` uses AVX2 on this processor (with BOILERSTRIP_NO_SIMD set in the
/// environment at the first call, it never does).
int boilerstrip_simd_available(void);

#endif
