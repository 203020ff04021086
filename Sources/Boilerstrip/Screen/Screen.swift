/// Picks, in one pass over a document's bytes, the (line, rule) pairs that can match.
///
/// An Aho-Corasick automaton over every rule's literals (case folded, see `fold`), compiled into a dense table over
/// byte classes. A rule is a candidate for a line when one of its literals occurs in the line; a rule without
/// literals is a candidate for every non-blank line.
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
    /// Each output: rule << 3 | group in the low 32 bits, the literal's length from bit 32, and bit 48 (49) when
    /// the byte before (after) the literal must not be a word byte.
    private let outputs: [UInt64]
    /// Rules that the screen cannot pre-filter.
    public let unscreened: [Int32]
    /// For each rule, the bit mask of its literal groups: a line is a candidate when it meets all of them.
    private let groupMasks: [UInt8]
    /// The number of automaton states.
    public var stateCount: Int { outputStart.count - 1 }

    static let boundedBefore: UInt64 = 1 << 48
    static let boundedAfter: UInt64 = 1 << 49

    public init(rules: [Rule]) {
        // Each literal reports (rule << 3 | group); a rule has at most 8 groups.
        var literalRules: [(bytes: [UInt8], output: UInt64)] = []
        var unscreened: [Int32] = []
        var groupMasks: [UInt8] = []
        for (index, rule) in rules.enumerated() {
            let groups = rule.screenLiterals.prefix(8)
            groupMasks.append(UInt8(truncatingIfNeeded: (1 << groups.count) - 1))
            if groups.isEmpty { unscreened.append(Int32(index)); continue }
            for (group, any) in groups.enumerated() {
                for literal in any {
                    let bytes = Array(literal.text.utf8).map(Screen.fold)
                    var output = UInt64(index) << 3 | UInt64(group) | UInt64(bytes.count) << 32
                    if literal.boundedBefore { output |= Screen.boundedBefore }
                    if literal.boundedAfter { output |= Screen.boundedAfter }
                    literalRules.append((bytes, output))
                }
            }
        }
        self.unscreened = unscreened
        self.groupMasks = groupMasks

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
        // The scan table holds premultiplied targets (state × classCount), negated (minus one) when the target
        // reports rules: one load and one sign test per byte.
        var next = [Int32](repeating: 0, count: dense.count)
        for index in dense.indices {
            let target = Int(dense[index])
            let premultiplied = Int32(target * classCount)
            next[index] = stateOutputs[target].isEmpty ? premultiplied : -premultiplied - 1
        }
        var outputStart: [Int32] = [0]
        var outputs: [UInt64] = []
        for list in stateOutputs {
            outputs.append(contentsOf: list)
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
        /// Per rule: the line (stamp) its mask belongs to, and the groups met there.
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
        if scratch.stamps.count != groupMasks.count {
            scratch.stamps = [UInt64](repeating: 0, count: groupMasks.count)
            scratch.masks = [UInt8](repeating: 0, count: groupMasks.count)
        }
        scratch.generation &+= 1
        let generation = scratch.generation << 32
        var found: [Candidate] = []
        let segments = document.segments
        document.bytes.withUnsafeBufferPointer { bytes in
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
                    state = Int(-(value &+ 1))
                    while segmentEnd <= index { segment += 1; segmentEnd = segments[segment].end }
                    let stamp = generation | UInt64(segment)
                    let target = state / classCount
                    for position in Int(outputStart[target])..<Int(outputStart[target + 1]) {
                        let output = outputs[position]
                        if output & Screen.boundedBefore != 0 {
                            let before = index - Int(truncatingIfNeeded: (output >> 32) & 0xFFFF)
                            if before >= 0, ScreenLiteral.isWordByte(bytes[before]) { continue }
                        }
                        if output & Screen.boundedAfter != 0, index + 1 < count, ScreenLiteral.isWordByte(bytes[index + 1]) { continue }
                        let rule = Int(truncatingIfNeeded: (output & 0xFFFF_FFFF) >> 3)
                        if stamps[rule] != stamp { stamps[rule] = stamp; masks[rule] = 0 }
                        let full = groupMasks[rule]
                        if masks[rule] == full { continue }
                        masks[rule] |= 1 << UInt8(truncatingIfNeeded: output & 7)
                        if masks[rule] == full { found.append(Candidate(segment: Int32(truncatingIfNeeded: segment), rule: Int32(truncatingIfNeeded: rule))) }
                    }
                    index &+= 1
                }
            }}}}}}}
        }
        if !unscreened.isEmpty {
            for segment in segments where !segment.content.isEmpty && !document.isBlank(segment) {
                for rule in unscreened { found.append(Candidate(segment: Int32(segment.index), rule: rule)) }
            }
        }
        // Unique by construction (a rule is reported once per line); sorted for the matcher.
        if found.count > 1 { found.sort() }
        return found
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
