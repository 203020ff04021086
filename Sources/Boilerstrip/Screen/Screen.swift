#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks, in one pass over a document's bytes, the (line, rule) pairs that can match.
///
/// An Aho-Corasick automaton over the rules' literals (case folded, see `fold`), compiled into a dense table over
/// byte classes: a rule is a candidate for a line when every one of its literal groups (see
/// ``Rule/screenLiterals``) occurs there. Groups with a one-byte literal ("(", "/") stay out of the automaton,
/// where they would report on almost every line: they are looked for in the line (with `memchr`) once the rule's
/// other groups were met, and a rule with nothing else is screened by `memchr` alone. A rule without literals is
/// a candidate for every non-blank line. (Scanning the two halves of a long document in step, to overlap the
/// table loads, measured no faster on the corpus and was taken out.)
///
/// Invariant: the screen may let through pairs that do not match, never hide one that does. The test suite
/// checks it on every rule example and its variants.
public struct Screen: Sendable {
    /// Byte → class (ASCII letters folded); class 0 for bytes in no literal.
    private let classOf: [UInt8]
    private let classCount: Int
    /// Dense transition table, indexed by `state × classCount + class`; see `init`.
    private let next: [Int32]
    /// The outputs of state `s` are `outputs[outputStart[s]..<outputStart[s + 1]]`.
    private let outputStart: [Int32]
    /// Each output: rule << 3 | group in the low 32 bits, the literal's length from bit 32, bit 48 (49) when
    /// the byte before (after) the literal must not be a word byte, and from bit 51 the index in `spellings` of
    /// the exact bytes a hit must have (0: any case).
    private let outputs: [UInt64]
    /// Exact spellings of case-sensitive literals (index 0 unused).
    private let spellings: [[UInt8]]
    /// For each rule, the bit mask of its automaton groups: met when a line holds all of them.
    private let groupMasks: [UInt8]
    /// Per rule, the groups looked for in a line once its automaton groups (or byte screen) were met.
    private let others: [[LiteralGroup]]
    /// Rules screened by their one-byte literals instead of the automaton.
    private let byteScreened: [(rule: Int32, group: LiteralGroup)]
    /// Rules that the screen cannot pre-filter.
    public let unscreened: [Int32]
    /// The number of automaton states.
    public var stateCount: Int { outputStart.count - 1 }

    static let boundedBefore: UInt64 = 1 << 48
    static let boundedAfter: UInt64 = 1 << 49

    /// Literals of which one must occur, folded.
    struct LiteralGroup: Sendable {
        let literals: [(bytes: [UInt8], before: Bool, after: Bool, exact: [UInt8]?)]
        var shortest: Int { literals.map(\.bytes.count).min() ?? 0 }
        init(_ group: [ScreenLiteral]) {
            literals = group.map { (Array($0.text.utf8).map(Screen.fold), $0.boundedBefore, $0.boundedAfter, $0.exactCase.map { Array($0.utf8) }) }
        }
    }

    public init(rules: [Rule]) {
        var literalRules: [(bytes: [UInt8], output: UInt64)] = []
        var unscreened: [Int32] = []
        var others: [[LiteralGroup]] = []
        var groupMasks: [UInt8] = []
        var byteScreened: [(rule: Int32, group: LiteralGroup)] = []
        var spellings: [[UInt8]] = [[]]
        for (index, rule) in rules.enumerated() {
            let groups = rule.screenLiterals.filter { !$0.isEmpty }.map(LiteralGroup.init)
            let automaton = Array(groups.filter { $0.shortest >= 2 }.prefix(8))
            var checked = groups.filter { $0.shortest < 2 }
            groupMasks.append(UInt8(truncatingIfNeeded: (1 << automaton.count) - 1))
            if groups.isEmpty { unscreened.append(Int32(index)) }
            else if automaton.isEmpty {
                byteScreened.append((Int32(index), checked.removeFirst()))
            }
            others.append(checked)
            for (group, any) in automaton.enumerated() {
                for literal in any.literals {
                    var output = UInt64(index) << 3 | UInt64(group) | UInt64(literal.bytes.count) << 32
                    if literal.before { output |= Screen.boundedBefore }
                    if literal.after { output |= Screen.boundedAfter }
                    if let exact = literal.exact, spellings.count < 1 << 13 {
                        output |= UInt64(spellings.count) << 51
                        spellings.append(exact)
                    }
                    literalRules.append((literal.bytes, output))
                }
            }
        }
        self.unscreened = unscreened
        self.spellings = spellings
        self.others = others
        self.groupMasks = groupMasks
        self.byteScreened = byteScreened

        var classOf = [UInt8](repeating: 0, count: 256)
        var classCount = 1
        for (bytes, _) in literalRules {
            for byte in bytes where classOf[Int(byte)] == 0 {
                precondition(classCount < 256)
                classOf[Int(byte)] = UInt8(classCount)
                classCount += 1
            }
        }
        for byte in 0..<256 { classOf[byte] = classOf[Int(Screen.fold(UInt8(byte)))] }

        // Trie.
        var children: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var stateOutputs: [[UInt64]] = [[]]
        for (bytes, output) in literalRules {
            var state = 0
            for byte in bytes {
                let cls = Int(classOf[Int(byte)])
                if children[state][cls] < 0 {
                    children[state][cls] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    stateOutputs.append([])
                }
                state = Int(children[state][cls])
            }
            if !stateOutputs[state].contains(output) { stateOutputs[state].append(output) }
        }
        // Failure links, breadth first, folded into a dense table.
        var dense = [Int32](repeating: 0, count: children.count * classCount)
        var fail = [Int32](repeating: 0, count: children.count)
        var queue: [Int32] = []
        for cls in 0..<classCount {
            let child = children[0][cls]
            if child >= 0 { dense[cls] = child; fail[Int(child)] = 0; queue.append(child) }
        }
        var head = 0
        while head < queue.count {
            let state = Int(queue[head]); head += 1
            for out in stateOutputs[Int(fail[state])] where !stateOutputs[state].contains(out) { stateOutputs[state].append(out) }
            for cls in 0..<classCount {
                let child = children[state][cls]
                if child >= 0 {
                    fail[Int(child)] = dense[Int(fail[state]) * classCount + cls]
                    dense[state * classCount + cls] = child
                    queue.append(child)
                } else {
                    dense[state * classCount + cls] = dense[Int(fail[state]) * classCount + cls]
                }
            }
        }
        // States renumbered breadth first: the shallow states, where the scan spends nearly all its time, get
        // neighbouring rows of the table instead of rows scattered over megabytes.
        var order: [Int32] = [0]
        order.append(contentsOf: queue)
        var renumbered = [Int32](repeating: 0, count: children.count)
        for (new, old) in order.enumerated() { renumbered[Int(old)] = Int32(new) }
        // The scan table holds premultiplied targets (state × classCount), negated (minus one) when the target
        // reports rules: one load and one sign test per byte.
        var next = [Int32](repeating: 0, count: dense.count)
        for (new, old) in order.enumerated() {
            for cls in 0..<classCount {
                let target = Int(dense[Int(old) * classCount + cls])
                let premultiplied = Int32(Int(renumbered[target]) * classCount)
                next[new * classCount + cls] = stateOutputs[target].isEmpty ? premultiplied : -premultiplied - 1
            }
        }
        var outputStart: [Int32] = [0]
        var outputs: [UInt64] = []
        for old in order {
            outputs.append(contentsOf: stateOutputs[Int(old)])
            outputStart.append(Int32(outputs.count))
        }
        self.classOf = classOf
        self.classCount = classCount
        self.next = next
        self.outputStart = outputStart
        self.outputs = outputs
    }

    @inline(__always)
    /// Case folding on single bytes: ASCII letters, and the continuation bytes 0x80–0x9E, which after a 0xC3
    /// lead are the Latin-1 capitals À–Þ (their lowercase is 0x20 higher). Folding a continuation byte of another
    /// script can only merge characters, which lets more lines through, never fewer.
    static func fold(_ byte: UInt8) -> UInt8 {
        if (0x41...0x5A).contains(byte) || (0x80...0x9E).contains(byte) { return byte | 0x20 }
        return byte
    }

    /// Per-thread memory of the screen: which groups of which rule a line has met so far.
    public final class Scratch: @unchecked Sendable {
        /// Per rule, the line (stamp) its mask belongs to, and the automaton groups met there.
        var stamps: [UInt64] = []
        var masks: [UInt8] = []
        /// Advances once per document, so that the stamps of earlier documents never match.
        var generation: UInt64 = 0
        public init() {}
    }

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document) -> [Candidate] {
        candidates(in: document, scratch: Scratch())
    }

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document, scratch: Scratch) -> [Candidate] {
        if scratch.stamps.count != others.count {
            scratch.stamps = [UInt64](repeating: 0, count: others.count)
            scratch.masks = [UInt8](repeating: 0, count: others.count)
        }
        scratch.generation &+= 1
        let generation = scratch.generation << 32
        var found: [Candidate] = []
        let segments = document.segments
        document.bytes.withUnsafeBufferPointer { bytes in
            // A rule whose automaton groups (or byte screen) a line met: a candidate when its other groups occur.
            func met(_ rule: Int, _ segment: Int) {
                let line = segments[segment].content
                for group in others[rule] where !Screen.occurs(group, in: bytes, line) { return }
                found.append(Candidate(segment: Int32(truncatingIfNeeded: segment), rule: Int32(truncatingIfNeeded: rule)))
            }
            func segmentIndex(containing offset: Int) -> Int {
                var low = 0, high = segments.count - 1
                while low < high {
                    let middle = (low + high) / 2
                    if segments[middle].end <= offset { low = middle + 1 } else { high = middle }
                }
                return low
            }
            classOf.withUnsafeBufferPointer { classOf in
            next.withUnsafeBufferPointer { next in
            outputStart.withUnsafeBufferPointer { outputStart in
            outputs.withUnsafeBufferPointer { outputs in
            groupMasks.withUnsafeBufferPointer { groupMasks in
            scratch.stamps.withUnsafeMutableBufferPointer { stamps in
            scratch.masks.withUnsafeMutableBufferPointer { masks in
                var state = 0  // premultiplied
                var segment = 0
                var segmentEnd = segments.isEmpty ? 0 : segments[0].end
                let count = bytes.count
                var index = 0
                while index < count {
                    let value = next[state &+ Int(classOf[Int(bytes[index])])]
                    if value >= 0 {
                        state = Int(value)
                        index &+= 1
                        continue
                    }
                    // A state that reports literals: each must fit its boundaries and spelling.
                    state = Int(-(value &+ 1))
                    while segmentEnd <= index { segment += 1; segmentEnd = segments[segment].end }
                    let target = state / classCount
                    let stamp = generation | UInt64(segment)
                    for position in Int(outputStart[target])..<Int(outputStart[target + 1]) {
                        let output = outputs[position]
                        let length = Int(truncatingIfNeeded: (output >> 32) & 0xFFFF)
                        if !Screen.bounded(bytes, end: index + 1, length: length,
                                           before: output & Screen.boundedBefore != 0, after: output & Screen.boundedAfter != 0) { continue }
                        if output >> 51 != 0, !spellings[Int(truncatingIfNeeded: output >> 51)].withUnsafeBufferPointer({ exact in
                            Screen.spelled(exact, in: bytes, at: index + 1 - length)
                        }) { continue }
                        let rule = Int(truncatingIfNeeded: (output & 0xFFFF_FFFF) >> 3)
                        if stamps[rule] != stamp { stamps[rule] = stamp; masks[rule] = 0 }
                        let full = groupMasks[rule]
                        if masks[rule] == full { continue }
                        masks[rule] |= 1 << UInt8(truncatingIfNeeded: output & 7)
                        if masks[rule] == full { met(rule, segment) }
                    }
                    index &+= 1
                }
                // Byte-screened rules: every line holding one of their literals.
                for (rule, group) in byteScreened {
                    var lastSegment = -1
                    Screen.forEachOccurrence(of: group, in: bytes, 0..<bytes.count) { at in
                        let low = segmentIndex(containing: at)
                        if low != lastSegment { met(Int(rule), low) }
                        lastSegment = low
                        return segments[low].end  // the line is settled
                    }
                }
            }}}}}}}
        }
        if !unscreened.isEmpty {
            for segment in segments where !segment.content.isEmpty && !document.isBlank(segment) {
                for rule in unscreened { found.append(Candidate(segment: Int32(segment.index), rule: rule)) }
            }
        }
        // Sorted for the matcher, unique: a line reaches a full mask once, and the byte screen may find the same
        // line again through another literal of the group.
        if found.count > 1 {
            found.sort()
            var unique = 1
            for index in 1..<found.count where found[index] != found[unique - 1] {
                found[unique] = found[index]
                unique += 1
            }
            found.removeLast(found.count - unique)
        }
        return found
    }

    /// Whether the literal ending at `end` has no word byte on the sides its pattern bounds.
    @inline(__always)
    static func bounded(_ bytes: UnsafeBufferPointer<UInt8>, end: Int, length: Int, before: Bool, after: Bool) -> Bool {
        if before, end - length > 0, ScreenLiteral.isWordByte(bytes[end - length - 1]) { return false }
        if after, end < bytes.count, ScreenLiteral.isWordByte(bytes[end]) { return false }
        return true
    }

    /// Whether `bytes` hold exactly `exact` at `start`.
    @inline(__always)
    static func spelled(_ exact: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start >= 0, start + exact.count <= bytes.count else { return false }
        for offset in 0..<exact.count where bytes[start + offset] != exact[offset] { return false }
        return true
    }

    /// Whether one of the group's literals occurs in `range` (folded, with its boundaries).
    static func occurs(_ group: LiteralGroup, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var found = false
        forEachOccurrence(of: group, in: bytes, range) { _ in found = true; return nil }
        return found
    }

    /// Calls `body` with the start of each occurrence of the group's literals in `range` (folded, with their
    /// boundaries), literal after literal; `body` says where to go on looking for the same literal (nil: stop).
    static func forEachOccurrence(of group: LiteralGroup, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                  _ body: (Int) -> Int?) {
        guard let base = bytes.baseAddress else { return }
        for literal in group.literals {
            let needle = literal.bytes
            guard let first = needle.first, range.count >= needle.count else { continue }
            let last = range.upperBound - needle.count  // the last possible start
            let letter = (0x61...0x7A).contains(first) || (0xA0...0xBE).contains(first)
            var start = range.lowerBound
            while start <= last {
                // Find the next possible first byte: memchr when it has one form, else a folded loop.
                if !letter {
                    guard let hit = memchr(base + start, Int32(first), last - start + 1) else { break }
                    start = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                } else {
                    while start <= last, Screen.fold(bytes[start]) != first { start += 1 }
                    if start > last { break }
                }
                var matched = true
                for offset in 1..<max(1, needle.count) where Screen.fold(bytes[start + offset]) != needle[offset] { matched = false; break }
                if matched, let exact = literal.exact, !exact.withUnsafeBufferPointer({ spelled($0, in: bytes, at: start) }) { matched = false }
                if matched, bounded(bytes, end: start + needle.count, length: needle.count, before: literal.before, after: literal.after) {
                    guard let resume = body(start) else { return }
                    start = max(resume, start + 1)
                } else {
                    start += 1
                }
            }
        }
    }
}

/// A line that a rule may match.
public struct Candidate: Sendable, Hashable, Comparable {
    public let segment: Int32
    public let rule: Int32
    public static func < (a: Candidate, b: Candidate) -> Bool {
        a.segment != b.segment ? a.segment < b.segment : a.rule < b.rule
    }
}
