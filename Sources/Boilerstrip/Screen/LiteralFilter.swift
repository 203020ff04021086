import SIMDKernels

/// Finds every occurrence of a set of literals (case folded, see ``Screen/fold(_:)``) in one pass: a shift-or
/// filter over hashed three-byte windows (after Hyperscan's FDR), then a confirmation of the positions it lets
/// through.
///
/// The filter reads each byte once: the window of the last three bytes hashes to a slot of `reach` (tabulation
/// hashing: one table load per byte gives the byte's hash in each place of a window), whose 64 bits
/// are four lanes of 16 buckets; shifting the state one lane per byte and or-ing the slot in leaves a 0 bit in
/// the top lane for a bucket when each of its last four windows hashed to a slot one of the bucket's literals has
/// at that distance from its end. Loads do not depend on the state, so they overlap; no branch depends on the
/// data. Positions with a 0 bit (a few percent of the text) are confirmed: those where an open bucket has a literal
/// whose last bytes hash as the text's (``suffixBuckets``), against the literals whose last window has that slot and
/// whose bucket is open, by their last eight bytes at once and then the rest.
///
/// A long pattern whose last six bytes are a common run of news text ("-ieren", "-ptions") is filtered by a rarer
/// run inside it instead, its anchor (``anchor(_:collapse:trigramCounts:)``): its windows, slot lists and suffix
/// class are those of its bytes up to the anchor, and the confirmation checks the rest of it (on the corpus the long patterns' buckets
/// let through 0.70 M positions instead of 1.03 M). Its occurrence is reported where it ends, after any that end
/// inside it.
///
/// A pattern bounded before by a word boundary is filtered with a non-word byte in front: the first byte of
/// every window is collapsed, so that most non-word bytes, and the start of the text, stand
/// there as one. The non-word bytes that begin a short pattern (`.` of ".de", `[` of "[&#") keep their own value
/// instead, and a bounded-before pattern is filtered with each of them in front as well. It is still reported by
/// where its own bytes end.
///
/// Invariant: every occurrence is reported, and nothing else: an occurrence is the pattern's bytes (folded, or its
/// exact ones) with no word byte on a side it is bounded on (the test suite checks the filter against a naive search,
/// and each rule example in long documents; the fuzz target checks arbitrary bytes).
struct LiteralFilter: Sendable {
    /// A literal as the filter sees it: folded bytes (at least two), and whether a non-word byte (or the start
    /// of the text) must come before it.
    struct Pattern: Hashable, Sendable {
        let bytes: [UInt8]
        let boundedBefore: Bool
        /// Whether a word byte must not follow it, and the exact bytes it must have (nil: any case): checked, with the
        /// boundary before, where a position is confirmed, so that an occurrence that fails them never reaches the
        /// screen's rules ("AP" inside "apart", "Plus" in "plus": on the corpus 0.5 M of 1.2 M occurrences failed
        /// these checks there).
        var boundedAfter = false
        var exact: [UInt8]? = nil
        /// The bytes the filter sees: a bounded-before pattern with the non-word byte first.
        var filtered: [UInt8] { (boundedBefore ? [LiteralFilter.nonWord] : []) + bytes }
        /// Shorter than a window (two bytes free in front): filtered with any byte in front, so it lets through
        /// every position that ends in its pair.
        var isTiny: Bool { bytes.count + (boundedBefore ? 1 : 0) < 3 }

        /// The bytes hashed at once (the synthesized hash took a call a byte: a tenth of the start, for the screen's
        /// 1,700 patterns).
        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(boundedBefore)
            hasher.combine(boundedAfter)
            if let exact { exact.withUnsafeBytes { hasher.combine(bytes: $0) } } else { hasher.combine(-1) }
        }
    }

    static let lanes = 4
    /// The longest pattern, in bytes (its length has eight bits in a slot entry).
    static let longest = 255
    static let buckets = 64 / lanes
    /// The bits of a bucket number (`buckets` is `1 << bucketBits`).
    static let bucketBits = buckets.trailingZeroBitCount
    static let laneShift = UInt64(64 / lanes)
    static let topShift = UInt64(64 - 64 / lanes)
    /// The lowest state whose top lane is all ones (no bucket open): a state below it has a bucket open.
    static let openState: UInt64 = ~0 << topShift
    /// The bits of a flagged entry below its top lane: the position.
    static let positionMask: UInt64 = ~openState
    static let slotBits = 12
    /// What a non-word byte is in the first place of a window.
    static let nonWord: UInt8 = 0x20

    /// Byte → folded (``Screen/fold(_:)``).
    private let foldTable: [UInt8]
    /// Byte → its hashes as the last (bits 0–11), middle (16–27) and first (32–43) byte of a window: the
    /// ``Hashes`` of its folded (last, middle) and collapsed (first, see the type's doc) form.
    let byteHashes: [UInt64]
    /// The vector filter's own hashes and reach (``VectorTables``), and the buckets it closes where a word byte follows.
    let vector: VectorTables
    /// Shift-or masks by window slot: a 0 bit where a bucket's literal has that window (see the type's doc).
    let reach: [UInt64]
    /// The literals of bucket `b` whose last window has slot `s`, so that a position visits the entries of its open
    /// buckets only: the lists that are not empty one after the other, by slot then bucket, list `k` being entries
    /// `listStart[k]..<listStart[k + 1]`, and `slotLists[s]`: the index of the slot's first list | a bit for each
    /// bucket with a list there << 32 (``boilerstrip_confirm`` reads them). Entry `e` is three words, `entries[3 * e]`:
    /// pattern index | length << 24 | bucket << 32 | flags (``BOILERSTRIP_CONFIRM_BEFORE``, ``BOILERSTRIP_CONFIRM_AFTER``,
    /// ``BOILERSTRIP_CONFIRM_EXACT``, ``BOILERSTRIP_CONFIRM_LONG``), `entries[3 * e + 1]`: its last eight bytes, the
    /// last first (zeros before a shorter pattern’s start), and `entries[3 * e + 2]`: the same of its exact spelling (0
    /// without). On 40 MB of the corpus, four bytes let through 683 K of 1.19 M entries (every "-tion" for
    /// "publication") and the rest of the bytes then kept 346 K. (A list for every slot and bucket, 65,536 starts
    /// in 256 KB, missed the cache at the positions let through; a list for every slot, all buckets in it, made the
    /// positions let through visit four entries each, 10 M on the corpus.)
    private let slotLists: [UInt64]
    private let listStart: [Int32]
    private let entries: [UInt64]
    /// By the hash of a literal's last bytes (``boilerstrip_suffix_slot``: the last 2, 4, 6 or 8, as many as it has), the
    /// buckets with a literal that ends so: a position whose open buckets have none ending as the text does there goes
    /// no further. On the corpus the filter lets through 2.5 M positions, 0.6 M of them with an occurrence and 1.4 M
    /// where no literal's last bytes are the text's (their windows only share slots with a literal's): 1.17 M go on,
    /// and the (position, entry) pairs compared fall from 4.2 M to 1.8 M (0.95× the CPU time of the whole run).
    private let suffixBuckets: [UInt16]
    /// The folded bytes of pattern `p`: `patternBytes[patternStart[p]..<patternStart[p + 1]]`, and its exact bytes,
    /// if it has them, `patternBytes[patternStart[p + 1] - count…]` at `exactStart[p]` (the same count); eight zeros
    /// after the last (the confirmation reads eight bytes at a time).
    private let patternStart: [Int32]
    private let patternBytes: [UInt8]
    private let exactStart: [Int32]
    /// Per pattern, for one the filter looks for by an anchor inside it (``anchor(_:collapse:trigramCounts:)``): how
    /// many of its bytes follow the anchor, and 0x80 where no word byte may follow it (the third pass of the
    /// confirmation checks them); 0 for the others.
    private let anchors: [UInt8]
    /// The most entries a slot has.
    private let maximumEntries: Int
    /// The rolling hash before the text (``Carried``).
    let startRolling: UInt64
    /// How many of a million windows of news text open a one-window bucket under the chosen seed (``init(_:)``).
    let trigramCost: Int
    /// How many patterns it looks for.
    var patternCount: Int { patternStart.count - 1 }
    /// How many of them it looks for by an anchor inside them.
    var anchoredCount: Int { anchors.filter { $0 != 0 }.count }

    init(_ patterns: [Pattern]) {
        precondition(patterns.count < 1 << 20 && patterns.allSatisfy { (2...LiteralFilter.longest).contains($0.bytes.count) })
        var foldTable = [UInt8](repeating: 0, count: 256)
        for byte in 0..<256 { foldTable[byte] = Screen.fold(UInt8(byte)) }
        self.foldTable = foldTable
        let whole = patterns.map(\.filtered)
        // The first byte of a window: word bytes as they are, the ASCII non-word bytes that begin a three-byte
        // pattern (one window: its first byte is all that tells ".de" from " de") as they are too, every other byte as
        // `nonWord`. Collapsed, the TLDs of one rule (".de", ".be", ".es"…) let every " de" through: on 3 MB of the
        // corpus the filter passed 131 K positions, 106 K with them kept. Each kept byte is one more window for the
        // front of a short bounded-before pattern, so only those that single windows need are kept.
        var collapse = [UInt8](repeating: LiteralFilter.nonWord, count: 256)
        for byte in 0..<256 where ScreenLiteral.isWordByte(UInt8(byte)) { collapse[byte] = UInt8(byte) }
        for (pattern, bytes) in whole.enumerated() where !patterns[pattern].boundedBefore && bytes.count == 3 && bytes[0] < 0x80 {
            collapse[Int(bytes[0])] = bytes[0]
        }
        // The common windows of news text (``CommonTrigrams``) as the filter sees them (first byte collapsed) and how
        // many of each per million: what the hash seed is chosen by, and anchors by.
        var trigramCounts: [UInt32: Int] = [:]
        for (window, perMillion) in CommonTrigrams.windows {
            trigramCounts[UInt32(collapse[Int(window >> 16)]) << 16 | window & 0xFFFF, default: 0] += Int(perMillion)
        }
        // Each pattern as the filter sees it: a long one up to its anchor (``anchor(_:collapse:trigramCounts:)``).
        // (Not one with a line break: an anchored pattern's occurrence is reported after those that end inside it, which
        // must be on its line.)
        let anchors = whole.indices.map { pattern in
            whole[pattern].count >= LiteralFilter.lanes + 3 && !whole[pattern].contains(where: { $0 == 0x0A || $0 == 0x0D })
                ? LiteralFilter.anchor(whole[pattern], collapse: collapse, trigramCounts: trigramCounts) : 0
        }
        let filtered = whole.indices.map { Array(whole[$0].dropLast(anchors[$0])) }
        self.anchors = anchors.indices.map { UInt8(anchors[$0]) | (anchors[$0] > 0 && patterns[$0].boundedAfter ? 0x80 : 0) }
        // What a bounded-before pattern's front stands for: each first byte a non-word byte can become.
        let nonWordFronts = (0..<256).filter { !ScreenLiteral.isWordByte(UInt8($0)) }.map { collapse[$0] }.sortedUnique()

        // Buckets: two-byte patterns (one window, with any byte in front) in bucket 0 of their own; the others too
        // short to fill every lane by length, each length in buckets of its own (a pattern's don't-care lanes are
        // its bucket's: a three-byte pattern among four-byte ones would leave them one window, and on the corpus
        // such a bucket let 3.5 M positions through for 1 M occurrences), given twice their share of buckets; the
        // rest spread over the remaining buckets.
        //
        // Within each length the patterns bounded after (found where they end: not anchored) have buckets of their own,
        // and among the long ones they come first, so that most buckets hold such patterns only or none: where a word
        // byte follows a position, the vector filter closes the buckets of such patterns alone (`after_buckets` of
        // ``VectorTables/tables``). "AP" in "apart", "Share" in "shared": on 20 MB of the corpus 70 K of the 243 K
        // (position, literal) pairs the confirmation compared failed on the byte after alone, 57 K of them literals of
        // five bytes or fewer; the buckets closed took that to 0.9 K, and the positions let through from 300 K to 178 K.
        let full = LiteralFilter.lanes + 2
        let endsBounded = patterns.indices.map { patterns[$0].boundedAfter && anchors[$0] == 0 }
        let order = filtered.indices.sorted {
            (endsBounded[$0] ? 0 : 1, filtered[$0].count, $0) < (endsBounded[$1] ? 0 : 1, filtered[$1].count, $1)
        }
        let tiny = order.filter { patterns[$0].isTiny }
        let short = (3..<full).flatMap { length in
            [true, false].map { bounded in order.filter { filtered[$0].count == length && endsBounded[$0] == bounded } }
        }.filter { !$0.isEmpty }
        let shortCount = short.reduce(0) { $0 + $1.count }
        let long = order.filter { filtered[$0].count >= full }
        let firstShort = tiny.isEmpty ? 0 : 1
        let free = LiteralFilter.buckets - firstShort
        let shortBuckets = long.isEmpty ? free
            : short.isEmpty ? 0 : min(free - 1, max(short.count, 2 * free * shortCount / filtered.count))
        var bucketOf = [Int](repeating: 0, count: filtered.count)
        // Each length (bounded after or not) gets buckets in proportion to its patterns, at least one.
        var next = firstShort, lengthsLeft = short.count, bucketsLeft = shortBuckets, patternsLeft = shortCount
        for group in short {
            let share = max(1, min(bucketsLeft - (lengthsLeft - 1), bucketsLeft * group.count / max(patternsLeft, 1)))
            for (rank, pattern) in group.enumerated() { bucketOf[pattern] = next + rank * share / group.count }
            next += share
            bucketsLeft -= share
            lengthsLeft -= 1
            patternsLeft -= group.count
        }
        for (rank, pattern) in long.enumerated() {
            bucketOf[pattern] = firstShort + shortBuckets + rank * (free - shortBuckets) / long.count
        }
        var afterBuckets = UInt16.max
        for pattern in filtered.indices where !endsBounded[pattern] { afterBuckets &= ~(1 << UInt16(bucketOf[pattern])) }
        for bucket in 0..<LiteralFilter.buckets where !bucketOf.contains(bucket) { afterBuckets &= ~(1 << UInt16(bucket)) }

        // A pattern's window `distance` places before its end, its first byte collapsed, as first << 16 | second << 8
        // | third (several for a window holding a bounded-before pattern's front, or a two-byte pattern's free one),
        // none for a lane before it.
        let allFronts = nonWordFronts + LiteralFilter.wordFronts
        func forEachWindow(of pattern: Int, distance: Int, _ body: (UInt32) -> Void) {
            let bytes = filtered[pattern]
            let end = bytes.count - 1 - distance
            func window(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> UInt32 { UInt32(first) << 16 | UInt32(second) << 8 | UInt32(third) }
            if end >= 2 {
                if end == 2 && patterns[pattern].boundedBefore {
                    for front in nonWordFronts { body(window(front, bytes[1], bytes[2])) }
                } else {
                    body(window(collapse[Int(bytes[end - 2])], bytes[end - 1], bytes[end]))
                }
            } else if distance == 0 {
                for front in allFronts { body(window(front, bytes[0], bytes[1])) }
            }
        }
        // Reach: a pattern clears its bucket's bit in lane `lanes - 1 - d` of the slot of its window `d` places
        // before its end; lanes before its start are don't-care for its bucket. Which windows clear which bits does
        // not depend on the hash: it is listed once (the windows as first << 16 | second << 8 | third, merged per
        // window), and each seed only hashes the list.
        var clears: [UInt32: UInt64] = [:]
        var dontCare: UInt64 = 0
        for pattern in filtered.indices {
            let bit = UInt64(1) << UInt64(bucketOf[pattern])
            for distance in 0..<LiteralFilter.lanes {
                let lane = bit << (UInt64(LiteralFilter.lanes - 1 - distance) * LiteralFilter.laneShift)
                if filtered[pattern].count - 1 - distance < 2 && distance > 0 { dontCare |= lane; continue }
                forEachWindow(of: pattern, distance: distance) { clears[$0, default: 0] |= lane }
            }
        }
        let windowLanes = clears.map { ($0.key, $0.value) }
        // Built under each candidate hash seed; the filter keeps the one under which the common windows of news text
        // (``CommonTrigrams``) open the fewest buckets whose patterns are one window long: those let a position
        // through on one window alone, and a common window that shares a slot with one of them lets through every
        // position where it occurs (on 3 MB of the corpus, twelve seeds let through 69 K to 125 K positions).
        // The buckets whose lanes but the top one are all don't-care, and the windows that clear their top lane: a
        // seed's cost is read off the slots of those alone, and the whole table built for the chosen seed only.
        var single = (UInt64(1) << LiteralFilter.laneShift) - 1
        for lane in 0..<UInt64(LiteralFilter.lanes - 1) { single &= dontCare >> (lane * LiteralFilter.laneShift) }
        let singleWindows = windowLanes.filter { ($0.1 >> LiteralFilter.topShift) & single != 0 }.map(\.0)
        func cost(_ hashes: Hashes) -> Int {
            var open = [Bool](repeating: false, count: 1 << LiteralFilter.slotBits)
            for window in singleWindows { open[hashes.slot(window)] = true }
            return trigramCounts.reduce(0) { $0 + (open[hashes.slot($1.key)] ? $1.value : 0) }
        }
        let (hashes, cost) = SplitMix64.cheapest(of: LiteralFilter.seeds, Hashes.init(seed:), cost: cost)
        var reach = [UInt64](repeating: ~dontCare, count: 1 << LiteralFilter.slotBits)
        for (window, lanes) in windowLanes { reach[hashes.slot(window)] &= ~lanes }
        let lastSlots = filtered.indices.map { pattern in
            var slots: [Int] = []
            forEachWindow(of: pattern, distance: 0) { slots.append(hashes.slot($0)) }
            return slots.sortedUnique()
        }
        self.reach = reach
        trigramCost = cost
        byteHashes = (0..<256).map { byte in
            let folded = Int(foldTable[byte]), collapsed = Int(collapse[Int(foldTable[byte])])
            return UInt64(hashes.last[folded]) | UInt64(hashes.middle[folded]) << 16 | UInt64(hashes.first[collapsed]) << 32
        }
        // What the rolling hash holds before the text: as after two non-word bytes (only its upper fields are read).
        let (middle, first) = (UInt64(hashes.middle[Int(LiteralFilter.nonWord)]), UInt64(hashes.first[Int(LiteralFilter.nonWord)]))
        startRolling = (middle ^ first) << 16 | first << 32
        vector = VectorTables(windowLanes: windowLanes, dontCare: dontCare, single: single, trigramCounts: trigramCounts,
                              first: (0..<256).map { collapse[Int(foldTable[$0])] }, afterBuckets: afterBuckets)

        // The lists: the entries sorted by slot, bucket and pattern.
        func lastEight(_ bytes: [UInt8]) -> UInt64 {
            bytes.reversed().prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
        }
        var placed: [(slot: Int, entry: UInt64, tail: UInt64, spelled: UInt64)] = []
        var suffixBuckets = [UInt16](repeating: 0, count: 1 << Int(BOILERSTRIP_SUFFIX_BITS))
        for (index, pattern) in patterns.enumerated() {
            // An anchored pattern's entry stands for its bytes up to the anchor; the third pass checks the rest.
            let anchor = anchors[index], bytes = Array(pattern.bytes.dropLast(anchor))
            let (tail, spelled) = (lastEight(bytes), lastEight(Array((pattern.exact ?? []).dropLast(anchor))))
            suffixBuckets[Int(boilerstrip_suffix_slot(tail, boilerstrip_suffix_class(bytes.count)))] |= 1 << UInt16(bucketOf[index])
            var entry = UInt64(index) | UInt64(bytes.count) << 24 | UInt64(bucketOf[index]) << 32
            if pattern.boundedBefore { entry |= BOILERSTRIP_CONFIRM_BEFORE }
            if pattern.exact != nil { entry |= BOILERSTRIP_CONFIRM_EXACT }
            if anchor > 0 {
                entry |= BOILERSTRIP_CONFIRM_ANCHORED
            } else {
                if pattern.boundedAfter { entry |= BOILERSTRIP_CONFIRM_AFTER }
                if bytes.count > 8 { entry |= BOILERSTRIP_CONFIRM_LONG }
            }
            for slot in lastSlots[index] { placed.append((slot, entry, tail, spelled)) }
        }
        placed.sort { ($0.slot, $0.entry >> 32 & 0xF, $0.entry & 0xF_FFFF) < ($1.slot, $1.entry >> 32 & 0xF, $1.entry & 0xF_FFFF) }
        var slotLists = [UInt64](repeating: 0, count: 1 << LiteralFilter.slotBits), listStart: [Int32] = []
        var slotCounts = [Int](repeating: 0, count: 1 << LiteralFilter.slotBits)
        for (position, item) in placed.enumerated() {
            slotCounts[item.slot] += 1
            let bucket = item.entry >> 32 & 0xF
            guard position == 0 || placed[position - 1].slot != item.slot || placed[position - 1].entry >> 32 & 0xF != bucket else { continue }
            if slotLists[item.slot] == 0 { slotLists[item.slot] = UInt64(listStart.count) }
            slotLists[item.slot] |= 1 << (32 + bucket)
            listStart.append(Int32(position))
        }
        listStart.append(Int32(placed.count))
        (self.slotLists, self.listStart, entries) = (slotLists, listStart, placed.flatMap { [$0.entry, $0.tail, $0.spelled] })
        self.suffixBuckets = suffixBuckets
        maximumEntries = slotCounts.max() ?? 0
        let (patternStart, patternBytes) = flattened(patterns.map { $0.bytes + ($0.exact ?? []) })
        (self.patternStart, self.patternBytes) = (patternStart, patternBytes + [UInt8](repeating: 0, count: 8))
        exactStart = patterns.indices.map { patternStart[$0] + Int32(patterns[$0].bytes.count) }
    }

    /// Where the filter looks for a long pattern (`bytes` as the filter sees them, at least `lanes + 3`): how many of its
    /// last bytes it leaves out, so that its four windows cover a rarer run of six bytes than its last six. The ends of
    /// long words are common ("-ieren" of "registrieren", "-tinnen" of "Abonnentinnen", "-ptions" of "subscriptions"):
    /// where its last run is among the common runs of news text (``CommonRuns``), the pattern is looked for by its run
    /// with the fewest occurrences there (one not among them counting none, ties going to the one whose windows are
    /// rarer, ``CommonTrigrams``), if that has at most a quarter of its last run's.
    static func anchor(_ bytes: [UInt8], collapse: [UInt8], trigramCounts: [UInt32: Int]) -> Int {
        let run = lanes + 2
        // Each window's count per million (plus a half), once: a run's four windows are those ending at its last four
        // bytes.
        let windows = (0..<bytes.count).map { last -> Double in
            guard last >= 2 else { return 1 }
            let window = UInt32(collapse[Int(bytes[last - 2])]) << 16 | UInt32(bytes[last - 1]) << 8 | UInt32(bytes[last])
            return Double(trigramCounts[window] ?? 0) + 0.5
        }
        // (occurrences of the run ending at `end` per million runs, the product of its windows' counts)
        func rarity(endingAt end: Int) -> (run: UInt32, windows: Double) {
            var key: UInt64 = UInt64(ScreenLiteral.isWordByte(bytes[end + 1 - run]) ? bytes[end + 1 - run] : LiteralFilter.nonWord)
            for offset in 1..<run { key |= UInt64(bytes[end + 1 - run + offset]) << UInt64(8 * offset) }
            return (commonRuns[key] ?? 0, windows[end] * windows[end - 1] * windows[end - 2] * windows[end - 3])
        }
        let atEnd = rarity(endingAt: bytes.count - 1)
        guard atEnd.run > 0 else { return 0 }
        var best = (shift: 0, rarity: atEnd)
        for shift in 1...min(bytes.count - run, 127) {
            let value = rarity(endingAt: bytes.count - 1 - shift)
            if (value.run, value.windows) < (best.rarity.run, best.rarity.windows) { best = (shift, value) }
        }
        return best.rarity.run <= atEnd.run / 4 ? best.shift : 0
    }

    /// ``CommonRuns`` by run.
    private static let commonRuns: [UInt64: UInt32] = Dictionary(uniqueKeysWithValues: CommonRuns.runs.map { ($0.run, $0.perMillion) })

    /// The folded word bytes: with the non-word ones, what may stand in front of a two-byte pattern.
    private static let wordFronts: [UInt8] = Array(0x30...0x39) + Array(0x61...0x7A) + [0x5F]

    /// Random `slotBits`-bit hashes of a byte value in each place of a window, from a seed (SplitMix64): the same
    /// seed gives the same tables, so which windows share a slot is the same on every run.
    struct Hashes {
        let last: [UInt16], middle: [UInt16], first: [UInt16]

        init(seed: UInt64) {
            var random = SplitMix64(seed: seed)
            func next() -> UInt16 { UInt16(truncatingIfNeeded: random.next()) & UInt16((1 << slotBits) - 1) }
            last = (0..<256).map { _ in next() }
            middle = (0..<256).map { _ in next() }
            first = (0..<256).map { _ in next() }
        }

        /// The reach slot of a window: its collapsed first byte and folded second and third, as first << 16 | second
        /// << 8 | third.
        func slot(_ window: UInt32) -> Int {
            Int(last[Int(window & 0xFF)] ^ middle[Int(window >> 8 & 0xFF)] ^ first[Int(window >> 16)])
        }
    }

    /// The hash seeds the filter chooses from (``init(_:)``).
    static let seeds: [UInt64] = (0..<16).map { 0x2545_F491_4F6C_DD1D &+ UInt64($0) &* 0xD1B5_4A32_D192_ED03 }

    /// Per-thread buffers of the scan.
    final class Scratch: @unchecked Sendable {
        /// Positions the filter let through, in blocks: the top lane (a 0 bit: may match) in its place | the position.
        @exclusivity(unchecked) var flagged = [UInt64](repeating: 0, count: 4096)
        /// Confirmed occurrences, handed over when the next position could overflow them: pattern << 40 | the
        /// position of its last byte.
        @exclusivity(unchecked) var hits = [UInt64](repeating: 0, count: 4096)
        /// The confirmation's arrays (``boilerstrip_confirm``).
        @exclusivity(unchecked) var work = [UInt64](repeating: 0, count: Int(BOILERSTRIP_CONFIRM_WORK_WORDS))
        init() {}
    }

    /// Calls `body` with blocks of occurrences: pattern index << 40 | the position of the pattern's last byte. In order
    /// of their end, but for an anchored pattern's (``anchor(_:collapse:trigramCounts:)``), found where its anchor
    /// ends: it may come after occurrences that end inside it, never after one that ends past it. For tests:
    /// `confirmLevel`, the most vector instructions the confirmation may use (``boilerstrip_confirm_using``), and
    /// `everyPosition`, every position handed to the confirmation with every bucket open, as if the filter let all through
    /// (the same occurrences: the confirmation alone makes sure of them).
    ///
    /// Inlined into the screen: called, the screen that holds this filter was retained and released around each
    /// call (and the scratch), to keep the struct it reads alive; both jobs count on the screen, and its cache line
    /// moved between the cores at every document.
    @inline(__always)
    func occurrences(in bytes: UnsafeBufferPointer<UInt8>, scratch: Scratch, confirmLevel: Int32 = 3, everyPosition: Bool = false,
                     _ body: (UnsafeBufferPointer<UInt64>) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var carried = Carried(state: 0, rolling: startRolling)
        if scratch.hits.count < maximumEntries + 1024 { scratch.hits = [UInt64](repeating: 0, count: maximumEntries + 4096) }
        foldTable.withUnsafeBufferPointer { fold in
        byteHashes.withUnsafeBufferPointer { byteHashes in
        reach.withUnsafeBufferPointer { reach in
        slotLists.withUnsafeBufferPointer { slotLists in
        listStart.withUnsafeBufferPointer { listStart in
        entries.withUnsafeBufferPointer { entries in
        patternStart.withUnsafeBufferPointer { patternStart in
        patternBytes.withUnsafeBufferPointer { patternBytes in
        exactStart.withUnsafeBufferPointer { exactStart in
        scratch.flagged.withUnsafeMutableBufferPointer { flagged in
        scratch.work.withUnsafeMutableBufferPointer { work in
        scratch.hits.withUnsafeMutableBufferPointer { hits in
        suffixBuckets.withUnsafeBufferPointer { suffixBuckets in
        anchors.withUnsafeBufferPointer { anchors in
            var vectorTables = vector.tables
            var tables = boilerstrip_confirm_tables(
                fold: fold.baseAddress, byte_hashes: byteHashes.baseAddress, slot_mask: (1 << UInt64(LiteralFilter.slotBits)) - 1,
                non_word: LiteralFilter.nonWord, slot_lists: slotLists.baseAddress, list_start: listStart.baseAddress,
                entries: entries.baseAddress,
                pattern_start: patternStart.baseAddress, exact_start: exactStart.baseAddress, pattern_bytes: patternBytes.baseAddress,
                suffix_buckets: suffixBuckets.baseAddress, anchors: anchors.baseAddress)
            // Hits are handed over once they fill the room kept after the entries of one slot.
            let room = hits.count - maximumEntries
            var index = 0, count = 0
            while index < bytes.count {
                var written: Int
                if everyPosition {
                    written = min(flagged.count, bytes.count - index)
                    for offset in 0..<written { flagged[offset] = UInt64(index + offset) }
                    index += written
                } else {
                    (index, written) = LiteralFilter.filter(bytes, from: index, byteHashes, &vectorTables, reach, &carried, into: flagged)
                }
                var done = 0
                while done < written {
                    var consumed = 0
                    count += boilerstrip_confirm_using(confirmLevel, base, bytes.count, flagged.baseAddress! + done, written - done, &tables, work.baseAddress!,
                                                 hits.baseAddress! + count, hits.count - count, &consumed)
                    done += consumed
                    if done < written || count > room {
                        body(UnsafeBufferPointer(rebasing: hits[0..<count]))
                        count = 0
                    }
                }
            }
            if count > 0 { body(UnsafeBufferPointer(rebasing: hits[0..<count])) }
            withExtendedLifetime(vector) {}
        }}}}}}}}}}}}}}
    }

    /// What the filter carries from one block to the next: the shift-or state and the rolling hash. At the start,
    /// non-word bytes stand before the text.
    struct Carried {
        var state: UInt64 = 0
        /// The last byte's `byteHashes` entry xor this value one field (16 bits) down: its low field is the slot of
        /// the window ending there, its second field what the next window takes from the last two bytes (middle ^
        /// first), its third what the one after takes from the last (first); the top field stays zero.
        var rolling: UInt64
    }

    /// The shift-or filter from `start`, until the end of `bytes` or until `flagged` is full. Writes the top lane in
    /// its place | the position for each position with an open bucket (an and and an or: the `shld` that packing
    /// the lane below the position compiled to is slow on AMD's cores); returns where it stopped and how many it wrote.
    ///
    /// With `vector` (where the processor has AVX-512 with byte permutes and GFNI), whole runs of 64 positions go to
    /// `kernel` (the C kernel `boilerstrip_shift_or`; tests give it a reference written in Swift), which hashes windows
    /// by `vectorTables` (``VectorTables``), not by this loop's table: it lets through other positions, never fewer
    /// than are there, and the state it carries on is as good for this loop's next position as this loop's own.
    @inline(never)
    static func filter(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ byteHashes: UnsafeBufferPointer<UInt64>,
                       _ vectorTables: UnsafePointer<boilerstrip_filter_tables>, _ reach: UnsafeBufferPointer<UInt64>,
                       _ carriedBefore: inout Carried, into flagged: UnsafeMutableBufferPointer<UInt64>,
                       vector: Bool = LiteralFilter.vectorFilter, kernel: Kernel = boilerstrip_shift_or) -> (Int, Int) {
        guard let base = bytes.baseAddress, let byteHashes = byteHashes.baseAddress,
              let reach = reach.baseAddress, let out = flagged.baseAddress else { return (bytes.count, 0) }
        var carried = carriedBefore  // a local copy, kept in registers
        defer { carriedBefore = carried }
        // At most one entry per byte, and room for the vector kernel's last whole store: never overflows.
        let end = min(bytes.count, start + max(1, flagged.count - 8))
        var index = start, written = 0
        if vector, end - start >= 128 {
            // The kernel reads the two bytes before a window's last; the first two positions of a text are the loop's.
            while index < 2 { written = step(index, base, byteHashes, reach, &carried, out, written); index += 1 }
            // Whole runs of 64, and the text's last bytes with them where this call reaches its end (this loop took the
            // last 32 bytes of a document on average, at a fifth of the speed: 2 % of the time in text mode).
            let count = end == bytes.count ? end - index : (end - index) & ~63
            written += kernel(base, index, count, bytes.count, vectorTables, &carried.state, out + written)
            index += count
            // More text after this block: the next call's kernel takes the bytes left (this loop took 56 of every
            // 4,088, 1.4 % of the text at a quarter of the speed).
            if end < bytes.count {
                carried.rolling = rolling(endingAt: index - 1, base, byteHashes)
                return (index, written)
            }
        }
        while index &+ 3 < end {
            written = step(index, base, byteHashes, reach, &carried, out, written)
            written = step(index &+ 1, base, byteHashes, reach, &carried, out, written)
            written = step(index &+ 2, base, byteHashes, reach, &carried, out, written)
            written = step(index &+ 3, base, byteHashes, reach, &carried, out, written)
            index &+= 4
        }
        while index < end { written = step(index, base, byteHashes, reach, &carried, out, written); index &+= 1 }
        return (index, written)
    }

    /// One byte of ``filter(_:from:_:_:_:_:into:vector:kernel:)``: its window's slot, the state shifted by a lane with the
    /// slot's reach or-ed in, and the entry written every time, kept only when a bucket is open (no branch to
    /// mispredict). The low field of `rolling` is the slot: its hashes are below 1 << slotBits, and so is their xor,
    /// so the whole 16-bit field is taken (one zero-extending move, where a 12-bit mask took a move and an and).
    /// Returns the entries written.
    @inline(__always)
    static func step(_ index: Int, _ base: UnsafePointer<UInt8>, _ byteHashes: UnsafePointer<UInt64>, _ reach: UnsafePointer<UInt64>,
                     _ carried: inout Carried, _ out: UnsafeMutablePointer<UInt64>, _ written: Int) -> Int {
        carried.rolling = byteHashes[Int(base[index])] ^ carried.rolling >> 16
        carried.state = carried.state << laneShift | reach[Int(truncatingIfNeeded: carried.rolling & 0xFFFF)]
        out[written] = UInt64(truncatingIfNeeded: index) | carried.state & openState
        return written &+ (carried.state < openState ? 1 : 0)  // the top lane is not all ones: a compare and an add with carry
    }

    /// Whether ``filter(_:from:_:_:_:_:into:vector:kernel:)`` hands runs to the vector kernel (AVX-512 with VBMI, and
    /// GFNI; never with `BOILERSTRIP_NO_SIMD` set).
    static let vectorFilter = boilerstrip_vector_filter_available() != 0

    /// What filters whole runs of 64 positions (``boilerstrip_shift_or``'s contract).
    typealias Kernel = @convention(c) (UnsafePointer<UInt8>?, Int, Int, Int, UnsafePointer<boilerstrip_filter_tables>?,
                                       UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt64>?) -> Int

    /// The rolling hash (``Carried``) after the byte at `at`, which has two bytes before it: its hashes, the byte
    /// before's a field down, the one before that two (the top field is zero, so nothing older is left in it).
    @inline(__always)
    static func rolling(endingAt at: Int, _ base: UnsafePointer<UInt8>, _ byteHashes: UnsafePointer<UInt64>) -> UInt64 {
        byteHashes[Int(base[at])] ^ byteHashes[Int(base[at - 1])] >> 16 ^ byteHashes[Int(base[at - 2])] >> 32
    }
}

extension Array where Element: Comparable {
    /// The distinct elements, in order: what `Array(Set(self)).sorted()` gives, without hashing (a `Set` for each of
    /// the screen's 1,357 literals and 1,123 groups took 4 M instructions of every start).
    func sortedUnique() -> [Element] {
        var sorted = self.sorted()
        var kept = 0
        for index in sorted.indices where index == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }
}

/// Lists of lists as one flat array and the start of each list in it (list `i` is
/// `items[start[i]..<start[i + 1]]`): the tables the screen's hot loops index.
func flattened<T>(_ lists: [[T]]) -> (start: [Int32], items: [T]) {
    var start: [Int32] = [0]
    var items: [T] = []
    for list in lists {
        items.append(contentsOf: list)
        start.append(Int32(items.count))
    }
    return (start, items)
}
