/// Bytes written one piece after another into memory of its own: a buffer of the caller's (on the stack) until
/// it is full, then the heap. What the metadata writer fills before one append to the output array, because
/// `Array.append(contentsOf:)` costs about a hundred instructions a piece (uniqueness, capacity, a generic copy),
/// and a record's metadata is some twenty pieces.
struct ByteWriter: ByteOutput, ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int
    /// Whether `base` is the heap memory of the writer (freed with it), not the caller's buffer.
    private var owned = false

    /// A writer that fills `buffer` (not empty) first.
    private init(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        guard let address = buffer.baseAddress, !buffer.isEmpty else { preconditionFailure("ByteWriter: an empty buffer") }
        (base, capacity) = (address, buffer.count)
    }

    deinit { if owned { base.deallocate() } }

    /// Calls `body` with a writer over `capacity` bytes of the stack.
    static func withStackBuffer<Result>(capacity: Int = 2048, _ body: (inout ByteWriter) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var writer = ByteWriter(into: buffer)
            return body(&writer)
        }
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Moves to heap memory of at least `needed` bytes (twice the old size, at least).
    @inline(never)
    private mutating func grow(to needed: Int) {
        let size = max(needed, capacity * 2)
        precondition(size >= needed, "ByteWriter: grown to \(size) bytes for \(needed)")
        let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        memory.update(from: base, count: count)
        if owned { base.deallocate() }
        (base, capacity, owned) = (memory, size, true)
    }

    /// The bytes written so far.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: base, count: count))
    }
}

/// Where the encoders append bytes: an array, or a ``ByteWriter``.
protocol ByteOutput: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteOutput where Self: ~Copyable {
    /// A literal's bytes, from its static storage (a `String`'s `utf8` view goes through the generic sequence path).
    @inline(__always)
    mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

extension Array: ByteOutput where Element == UInt8 {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}
