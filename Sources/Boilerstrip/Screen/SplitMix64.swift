/// SplitMix64 (Steele, Lea, Flood 2014): a small, fast generator whose numbers depend on the seed alone, the same on
/// every run and platform. The screen's filters draw their hashes from it, so which windows share a slot never
/// changes; the tests and benchmarks draw their generated inputs from it.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SplitMix64 {
    /// Of the hashes drawn from each of `seeds` (`make`), the one of lowest `cost` (the first of equal ones), with it:
    /// how the screen's filters choose their hashes.
    static func cheapest<Hashes>(of seeds: [UInt64], _ make: (UInt64) -> Hashes, cost: (Hashes) -> Int) -> (hashes: Hashes, cost: Int) {
        var best: (hashes: Hashes, cost: Int)? = nil
        for seed in seeds {
            let hashes = make(seed), value = cost(hashes)
            if best == nil || value < best!.cost { best = (hashes, value) }
        }
        return best!
    }
}
