/// Sixteen bytes at a time: what the byte scans of JSON strings and of text endings share.
enum ByteBlock {
    /// The sixteen bytes from `pointer` on (no alignment needed).
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> SIMD16<UInt8> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD16<UInt8>.self)
    }

    /// Whether a lane of `mask` is set. The standard `any(_:)` compiles to a reduction lane by lane; this reads the
    /// lanes as two words.
    @inline(__always)
    static func any(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let (low, high) = words(mask)
        return low | high != 0
    }

    /// The lanes of a mask as two words, 0xFF for a set lane: lane `i` is byte `i % 8` of word `i / 8`.
    @inline(__always)
    static func words(_ mask: SIMDMask<SIMD16<Int8>>) -> (UInt64, UInt64) {
        let marked = unsafeBitCast(SIMD16<UInt8>().replacing(with: 0xFF, where: mask), to: SIMD2<UInt64>.self)
        return (marked[0], marked[1])
    }
}
