import SIMDKernels

/// The tables of the vector filter (``boilerstrip_shift_or``), built from the same windows as ``LiteralFilter``'s
/// reach: each window hashed `BOILERSTRIP_FILTER_HASHES` times to one of 128 slots by GF(2) matrices (one
/// `gf2p8affineqb` a byte place), and a bit of its reach closed where any hash's table closes it (a Bloom filter: a
/// table of 128 slots is what one byte permute reads). The matrices are chosen, of `seeds`, as ``LiteralFilter``
/// chooses its hash seed: the one under which the common windows of news text open the fewest one-window buckets.
///
/// Invariant: a bit is closed for a window only where no literal of its bucket has the window in its lane, as in
/// ``LiteralFilter/reach``; the vector filter lets through every position the byte loop would have to.
final class VectorTables: @unchecked Sendable {
    /// What the kernel reads: pointers into `memory`, which this object owns.
    let tables: boilerstrip_filter_tables
    /// How many of a million windows of news text open a one-window bucket under the chosen matrices.
    let trigramCost: Int
    /// The reach tables (64-byte aligned: the kernel loads each 64 bytes at a time), the first-byte table, the matrices.
    private let memory: UnsafeMutableRawPointer

    static let hashes = Int(BOILERSTRIP_FILTER_HASHES)
    static let slots = 128
    private static let reachBytes = hashes * 8 * slots

    /// - Parameters:
    ///   - windowLanes: each window (first << 16 | second << 8 | third, the first collapsed, the others folded) and the
    ///     bits of the reach it clears.
    ///   - dontCare: the bits no window closes (lanes before a short pattern's start).
    ///   - single: the buckets whose patterns are one window long (top-lane bits), which the choice of matrices weighs.
    ///   - trigramCounts: the common windows of news text, as `windowLanes` spells them, per million.
    ///   - first: each byte as the first of a window (folded, then collapsed).
    ///   - afterBuckets: the buckets the kernel closes where a word byte follows: those whose literals are all bounded
    ///     after and found where they end (not by an anchor inside them).
    init(windowLanes: [(UInt32, UInt64)], dontCare: UInt64, single: UInt64, trigramCounts: [UInt32: Int], first: [UInt8],
         afterBuckets: UInt16) {
        let singles = windowLanes.compactMap { window, lanes -> (UInt32, UInt16)? in
            let top = UInt16(truncatingIfNeeded: lanes >> LiteralFilter.topShift) & UInt16(single)
            return top == 0 ? nil : (window, top)
        }
        func cost(_ hashes: Hashes) -> Int {
            var tops = [UInt16](repeating: 0xFFFF, count: VectorTables.hashes * VectorTables.slots)
            for (window, top) in singles {
                for k in 0..<VectorTables.hashes { tops[k * VectorTables.slots + hashes.slot(k, window)] &= ~top }
            }
            let mask = UInt16(single)
            return trigramCounts.reduce(0) { total, item in
                var top: UInt16 = 0
                for k in 0..<VectorTables.hashes { top |= tops[k * VectorTables.slots + hashes.slot(k, item.key)] }
                return total + (top & mask != mask ? item.value : 0)
            }
        }
        let (hashes, cost) = SplitMix64.cheapest(of: VectorTables.seeds, Hashes.init(seed:), cost: cost)
        trigramCost = cost

        memory = UnsafeMutableRawPointer.allocate(byteCount: VectorTables.reachBytes + 256 + 8 * hashes.matrices.count, alignment: 64)
        let reach = memory.bindMemory(to: UInt8.self, capacity: VectorTables.reachBytes + 256)
        for k in 0..<VectorTables.hashes {
            let lanes = boilerstrip_filter_hash_lanes(Int32(k))
            var slots = [UInt64](repeating: ~dontCare & lanes, count: VectorTables.slots)
            for (window, cleared) in windowLanes { slots[hashes.slot(k, window)] &= ~cleared }
            for byte in 0..<8 {
                for slot in 0..<VectorTables.slots {
                    reach[(8 * k + byte) * VectorTables.slots + slot] = UInt8(truncatingIfNeeded: slots[slot] >> UInt64(8 * byte))
                }
            }
        }
        let firstTable = reach + VectorTables.reachBytes
        for byte in 0..<256 { firstTable[byte] = first[byte] }
        let matrices = (memory + VectorTables.reachBytes + 256).bindMemory(to: UInt64.self, capacity: hashes.matrices.count)
        for (index, matrix) in hashes.matrices.enumerated() { matrices[index] = matrix }
        tables = boilerstrip_filter_tables(reach: reach, first: firstTable, matrices: matrices, after_buckets: afterBuckets)
    }

    deinit { memory.deallocate() }

    /// The reach the vector filter gives a window of `tables` (its first byte through `tables.first`, the others as
    /// they are or folded: the matrices ignore the bit folding sets, first << 16 | second << 8 | third): the or of
    /// its reaches under each hash, in the lanes each fills.
    static func reach(_ window: UInt32, in tables: boilerstrip_filter_tables) -> UInt64 {
        var value: UInt64 = 0
        for k in 0..<VectorTables.hashes {
            let slot = Int((affine(tables.matrices[3 * k], UInt8(truncatingIfNeeded: window))
                            ^ affine(tables.matrices[3 * k + 1], UInt8(truncatingIfNeeded: window >> 8))
                            ^ affine(tables.matrices[3 * k + 2], UInt8(truncatingIfNeeded: window >> 16))) & 0x7F)
            for byte in 0..<8 where boilerstrip_filter_hash_lanes(Int32(k)) >> UInt64(8 * byte) & 0xFF != 0 {
                value |= UInt64(tables.reach[(8 * k + byte) * VectorTables.slots + slot]) << UInt64(8 * byte)
            }
        }
        return value
    }

    /// A byte times a GF(2) matrix as `gf2p8affineqb` multiplies them: bit `i` of the result is the parity of the
    /// byte and-ed with byte `7 - i` of the matrix.
    static func affine(_ matrix: UInt64, _ byte: UInt8) -> UInt8 {
        var result: UInt8 = 0
        for bit in 0..<8 { result |= UInt8((UInt8(truncatingIfNeeded: matrix >> UInt64(8 * (7 - bit))) & byte).nonzeroBitCount & 1) << UInt8(bit) }
        return result
    }

    /// Random matrices from a seed (SplitMix64), no row reading bit 5 (the bit folding sets: a window's last and
    /// middle bytes are hashed as they are), and each byte's product with them in each place of a window.
    struct Hashes {
        /// Three a hash: for the last, the middle and the first byte of a window.
        let matrices: [UInt64]
        /// `products[(3 * k + place) * 256 + byte]`: the byte times matrix `3 * k + place`.
        private let products: [UInt8]

        init(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            matrices = (0..<3 * VectorTables.hashes).map { _ in random.next() & ~0x2020_2020_2020_2020 }
            // Each byte's product from a smaller one's, by linearity: x·M = (x without its lowest bit)·M ⊕ (that bit)·M
            // (a product a bit at a time for each of 256 bytes, 15 matrices and 16 seeds took half a millisecond of the start).
            var products = [UInt8](repeating: 0, count: matrices.count * 256)
            for (index, matrix) in matrices.enumerated() {
                let base = index * 256
                for bit in 0..<8 { products[base + 1 << bit] = VectorTables.affine(matrix, 1 << UInt8(bit)) }
                for byte in 3..<256 where byte & (byte - 1) != 0 {
                    products[base + byte] = products[base + (byte & (byte - 1))] ^ products[base + (byte & -byte)]
                }
            }
            self.products = products
        }

        /// The slot of a window under hash `k`.
        @inline(__always)
        func slot(_ k: Int, _ window: UInt32) -> Int {
            let base = 3 * k * 256
            return Int((products[base + Int(window & 0xFF)] ^ products[base + 256 + Int(window >> 8 & 0xFF)]
                        ^ products[base + 512 + Int(window >> 16)]) & 0x7F)
        }
    }

    /// The seeds the matrices are chosen from.
    static let seeds: [UInt64] = (0..<16).map { 0x6A09_E667_F3BC_C908 &+ UInt64($0) &* 0xBB67_AE85_84CA_A73B }
}
