import SIMDKernels

/// A few rare bytes a document's split notes with its line breaks (``Document/init(bytes:marking:)``), in the same
/// pass: the screen reads where they are instead of searching the whole text for each byte its byte-screened rules
/// begin with ("©", "&", "/": three more passes over every document, 3 % of the time of text mode).
struct Marking: Sendable {
    /// The kernel's form: the bytes, and the table it finds them by.
    let kernel: boilerstrip_marks
    /// Tells this marking from another (the bytes, a byte each, and how many).
    let key: UInt64

    /// Nil unless `bytes` are at most four distinct bytes, neither LF nor CR, no two alike in their low six bits (the
    /// kernel's table).
    init?(_ bytes: [UInt8]) {
        var kernel = boilerstrip_marks()
        guard bytes.withUnsafeBufferPointer({ boilerstrip_marks_init(&kernel, $0.baseAddress, $0.count) }) != 0 else { return nil }
        self.kernel = kernel
        key = bytes.reduce(UInt64(bytes.count)) { $0 << 8 | UInt64($1) }
    }

    /// The kernel's form of no bytes at all.
    static let nothing: boilerstrip_marks = {
        var kernel = boilerstrip_marks()
        boilerstrip_marks_init(&kernel, nil, 0)
        return kernel
    }()

    /// Whether `byte` is one of the marked bytes.
    func marks(_ byte: UInt8) -> Bool {
        var table = kernel.table
        return withUnsafeBytes(of: &table) { $0[Int(byte & 63)] } == byte
    }
}

/// Where a document holds the bytes of a ``Marking``: up to ``capacity`` positions, kept inline (no allocation a
/// document; 98 % of the benchmark's documents hold at most eight of "©", "&" and "/").
struct ByteMarks: Sendable {
    /// The ``Marking/key`` of the bytes looked for; 0: none were.
    let key: UInt64
    /// How many occur; past ``capacity``, too many to keep (``positions`` holds none).
    let count: Int
    let positions: SIMD8<Int32>

    static let capacity = 8

    /// No bytes looked for.
    static let none = ByteMarks(key: 0, count: 0, positions: SIMD8())

    /// Whether ``positions`` hold every occurrence of `marking`'s bytes in the document (in order, the first
    /// ``count``).
    @inline(__always)
    func hold(_ marking: Marking?) -> Bool {
        guard let marking else { return false }
        return key == marking.key && count <= ByteMarks.capacity
    }
}
