import CPCRE2

/// Per-thread match state: PCRE2 match data, a match context carrying the limits, and a JIT stack.
///
/// Not thread-safe: give each thread its own. Reusing one scratch for every match of a thread keeps the
/// hot path free of allocations.
public final class MatchScratch {
    /// Limits that stop a runaway pattern.
    public struct Limits: Sendable {
        /// pcre2_set_match_limit: calls of the internal match function (or JIT equivalents).
        public var match: UInt32
        /// pcre2_set_depth_limit: backtracking depth (interpreter only).
        public var depth: UInt32
        /// pcre2_set_heap_limit, in KiB.
        public var heapKiB: UInt32
        public init(match: UInt32 = 500_000, depth: UInt32 = 5_000, heapKiB: UInt32 = 32 * 1024) {
            self.match = match
            self.depth = depth
            self.heapKiB = heapKiB
        }
    }

    nonisolated(unsafe) static let emptySubject: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    private(set) var matchData: OpaquePointer
    /// PCRE2's count of the groups the last match set (0 after no match).
    var lastCount = 0
    private var pairs: Int
    let context: OpaquePointer
    private let jitStack: OpaquePointer?

    /// The byte range of group `group` of the last match made with this scratch (nil: it took no part, or there was no
    /// match).
    public func lastMatch(group: Int) -> Range<Int>? { range(ofGroup: group, among: lastCount) }

    /// The range of the first of `groups` that took part in the last match made with this scratch (a name's groups).
    public func lastMatch(firstOf groups: [Int]) -> Range<Int>? { firstTakingPart(among: groups, lastMatch(group:)) }

    /// A group's range in the match data, of a match that set `count` groups.
    @inline(__always)
    func range(ofGroup group: Int, among count: Int) -> Range<Int>? {
        guard group < count, group < pairs else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let lower = ovector[2 * group], upper = ovector[2 * group + 1]
        return lower != PCRE2Unset && upper >= lower ? lower..<upper : nil
    }

    public init(limits: Limits = Limits()) {
        pairs = 16
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, limits.match)
        pcre2_set_depth_limit_8(context, limits.depth)
        pcre2_set_heap_limit_8(context, limits.heapKiB)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }

    /// The offset limit currently set in `context` (nil: none).
    private var startLimit: Int? = nil

    func setStartLimit(_ limit: Int?) {
        guard limit != startLimit else { return }
        startLimit = limit
        pcre2_set_offset_limit_8(context, limit ?? PCRE2Unset)
    }

    func reserve(groups: Int) {
        guard groups + 1 > pairs else { return }
        pcre2_match_data_free_8(matchData)
        pairs = groups + 1
        matchData = pcre2_match_data_create_8(UInt32(pairs), nil)
    }
}
