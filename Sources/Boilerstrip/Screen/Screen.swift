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
    /// Rule indices reported on reaching each state (empty for most).
    private let outputs: [[Int32]]
    /// Rules that the screen cannot pre-filter.
    public let unscreened: [Int32]
    /// For each rule, the bit mask of its literal groups: a line is a candidate when it meets all of them.
    private let groupMasks: [UInt8]
    /// The number of automaton states.
    public var stateCount: Int { outputs.count }

    public init(rules: [Rule]) {
        // Each literal reports (rule << 3 | group); a rule has at most 8 groups.
        var literalRules: [(bytes: [UInt8], rule: Int32)] = []
        var unscreened: [Int32] = []
        var groupMasks: [UInt8] = []
        for (index, rule) in rules.enumerated() {
            let groups = rule.literals.prefix(8)
            groupMasks.append(UInt8(truncatingIfNeeded: (1 << groups.count) - 1))
            if groups.isEmpty { unscreened.append(Int32(index)); continue }
            for (group, any) in groups.enumerated() {
                for literal in any { literalRules.append((Array(literal.utf8).map(Screen.fold), Int32(index) << 3 | Int32(group))) }
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
        var outputs: [[Int32]] = [[]]
        for (bytes, rule) in literalRules {
            var state = 0
            for byte in bytes {
                let cls = Int(classOf[Int(byte)])
                if children[state][cls] < 0 {
                    children[state][cls] = Int32(children.count)
                    children.append([Int32](repeating: -1, count: classCount))
                    outputs.append([])
                }
                state = Int(children[state][cls])
            }
            if !outputs[state].contains(rule) { outputs[state].append(rule) }
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
            for out in outputs[Int(fail[state])] where !outputs[state].contains(out) { outputs[state].append(out) }
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
            next[index] = outputs[target].isEmpty ? premultiplied : -premultiplied - 1
        }
        self.classOf = classOf
        self.classCount = classCount
        self.next = next
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

    /// The candidate (segment index, rule index) pairs of a document, sorted and unique.
    public func candidates(in document: Document) -> [Candidate] {
        var hits: [UInt64] = []  // segment << 32 | rule << 3 | group
        let segments = document.segments
        document.bytes.withUnsafeBufferPointer { bytes in
            classOf.withUnsafeBufferPointer { classOf in
                next.withUnsafeBufferPointer { next in
                    var state = 0  // premultiplied
                    var segment = 0
                    let count = bytes.count
                    var index = 0
                    while index < count {
                        let value = next[state &+ Int(classOf[Int(bytes[index])])]
                        if value >= 0 {
                            state = Int(value)
                        } else {
                            state = Int(-(value &+ 1))
                            while segments[segment].end <= index { segment += 1 }
                            for output in outputs[state / classCount] { hits.append(UInt64(segment) << 32 | UInt64(output)) }
                        }
                        index &+= 1
                    }
                }
            }
        }
        // A rule is a candidate for a line where all its groups were seen.
        var found: [Candidate] = []
        if !hits.isEmpty {
            hits.sort()
            var index = 0
            while index < hits.count {
                let key = hits[index] >> 3
                var seen: UInt8 = 0
                while index < hits.count, hits[index] >> 3 == key {
                    seen |= 1 << UInt8(hits[index] & 7)
                    index += 1
                }
                let rule = Int32(truncatingIfNeeded: key & 0x1FFF_FFFF)
                if seen == groupMasks[Int(rule)] { found.append(Candidate(segment: Int32(truncatingIfNeeded: key >> 29), rule: rule)) }
            }
        }
        if !unscreened.isEmpty {
            for segment in segments where !segment.content.isEmpty && !document.isBlank(segment) {
                for rule in unscreened { found.append(Candidate(segment: Int32(segment.index), rule: rule)) }
            }
        }
        if found.count > 1 {
            found.sort()
            var unique: [Candidate] = [found[0]]
            for candidate in found.dropFirst() where candidate != unique[unique.count - 1] { unique.append(candidate) }
            found = unique
        }
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
