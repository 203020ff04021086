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

/// The screen's shift-or filter over the positions `start..<start + count` of `bytes` (`count` a multiple of 64,
/// `start` at least 2: each window reads the two bytes before it), as `LiteralFilter.filter` steps through them:
/// `tables` holds six 256-byte tables, the low bytes of each byte's hash as the last, middle and first byte of a
/// window, then the high bytes; `reach` the 64-bit reach of each slot; `*state` the shift-or state before `start`,
/// and after the call the one after the last position. Writes an entry (the top lane in place | the position) for
/// each position with an open bucket, in order, into `out`, which has room for `count + 8` entries (whole vectors
/// are stored); returns how many. Returns 0 and does nothing when the processor has no AVX-512 (F, BW, VBMI).
size_t boilerstrip_shift_or(const uint8_t *bytes, size_t start, size_t count, const uint8_t *tables,
                            const uint64_t *reach, uint64_t *state, uint64_t *out);

/// Whether `boilerstrip_shift_or` runs on this processor (never with BOILERSTRIP_NO_SIMD set at its first call).
int boilerstrip_filter_available(void);

#endif
