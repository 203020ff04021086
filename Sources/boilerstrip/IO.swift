import Boilerstrip
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Exit codes, as in sysexits.h.
enum Exit {
    static let usage: Int32 = 64       // EX_USAGE
    static let dataError: Int32 = 65   // EX_DATAERR: a malformed record
    static let noInput: Int32 = 66     // EX_NOINPUT: a missing or unreadable file
    static let ioError: Int32 = 74     // EX_IOERR
    static let config: Int32 = 78      // EX_CONFIG: a bad rule file
}

/// Set by SIGINT and SIGTERM; the JSONL stream checks it between batches.
nonisolated(unsafe) var interruptedBySignal: sig_atomic_t = 0

enum Signals {
    /// Turns SIGINT and SIGTERM into a flag, so the run can end on a record boundary.
    static func install() {
        signal(SIGINT) { _ in interruptedBySignal = 1 }
        signal(SIGTERM) { _ in interruptedBySignal = 1 }
        // A parent may have left them blocked (the mask is inherited across exec).
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
    static var interrupted: Bool { interruptedBySignal != 0 }
}

/// Messages on stderr.
enum Diagnostics {
    static func say(_ message: String) {
        var bytes = Array(("boilerstrip: " + message + "\n").utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// An input source: a file (by path) or stdin.
struct Input {
    let name: String
    let descriptor: Int32

    /// Opens `path` ("-" for stdin).
    static func open(_ path: String) throws(InputError) -> Input {
        if path == "-" {
            Pipes.enlarge(0)
            return Input(name: "<stdin>", descriptor: 0)
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw InputError(path: path, problem: String(cString: strerror(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw InputError(path: path, problem: "is a directory") }
        let descriptor = Glibc.open(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError(path: path, problem: String(cString: strerror(errno))) }
        Pipes.enlarge(descriptor)  // a named pipe, or <(zcat …)
        return Input(name: path, descriptor: descriptor)
    }

    /// Reads up to `buffer.count` bytes into the start of `buffer`; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw InputError(path: name, problem: String(cString: strerror(errno)))
        }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: inout [UInt8]) throws(InputError) -> Int {
        try buffer.withUnsafeMutableBytes { bytes in Result { () throws(InputError) in try read(into: bytes) } }.get()
    }

    /// Reads everything.
    ///
    /// A regular file is read straight into an array of its size (one byte more sees its end), so that its bytes
    /// are written once: appending blocks of 1 MiB to a growing array copied an 18.8 MB file again at each growth
    /// (text mode on it: 14.7 K page faults → 13.8 K, peak memory 78 → 75 MB; the time the same). A pipe, or a file
    /// that grew, is read in 1 MiB blocks. (A fixed 1 MiB block, zeroed for every file, cost more than cleaning a
    /// folder of small articles.)
    func readAll() throws(InputError) -> [UInt8] {
        var result: [UInt8] = []
        if let size = fileSize {
            var failure: InputError?
            result = [UInt8](unsafeUninitializedCapacity: size + 1) { buffer, count in
                count = 0
                while count < buffer.count {
                    let read: Int
                    do throws(InputError) {
                        read = try self.read(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[count...]))
                    } catch {
                        failure = error
                        return
                    }
                    if read == 0 { return }
                    count += read
                }
            }
            if let failure { throw failure }
            if result.count <= size { return result }  // the whole file: a read came back empty
        }
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = try read(into: &block)
            if count == 0 { return result }
            result.append(contentsOf: block[0..<count])
        }
    }

    func close() { if descriptor > 2 { _ = Glibc.close(descriptor) } }

    /// The size of the regular file at `path` without opening it; 0 for stdin ("-"), a missing file or anything else.
    static func sizeOnDisk(_ path: String) -> Int {
        var info = stat()
        guard path != "-", stat(path, &info) == 0 else { return 0 }
        return regularSize(info) ?? 0
    }

    /// The size of a regular file, or nil for a pipe or terminal.
    var fileSize: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return Input.regularSize(info)
    }

    private static func regularSize(_ info: stat) -> Int? {
        (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    /// Whether a read would return at once (data or the end of input), without waiting.
    func hasPendingInput() -> Bool {
        var poll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&poll, 1, 0) > 0
    }
}

struct InputError: Error, CustomStringConvertible {
    let path: String
    let problem: String
    var description: String { "\(path): \(problem)" }
}

/// Standard output with retries on short writes and EINTR. A closed pipe (EPIPE) is reported as `false`,
/// so the run can end quietly, like `head` expects.
struct Output {
    private(set) var closed = false

    init() {
        signal(SIGPIPE, SIG_IGN)
        Pipes.enlarge(1)
    }

    @discardableResult
    mutating func write(_ bytes: [UInt8]) -> Bool {
        guard !closed else { return false }
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 { offset += written; continue }
                if written < 0 && errno == EINTR { continue }
                closed = true
                if errno != EPIPE { Diagnostics.say("cannot write the output: \(String(cString: strerror(errno)))") }
                return false
            }
            return true
        }
    }
}

/// Linux gives a pipe 64 KiB: a reader as fast as boilerstrip then wakes its writer for each 64 KiB, and the two
/// take turns on the cores. With 1 MiB, `cat corpus.jsonl | boilerstrip --jsonl` read 350 → 399 MB/s with one job
/// and 367 → 609 with two (which gained nothing at 64 KiB).
enum Pipes {
    /// The largest pipe buffer an unprivileged process may ask for by default (/proc/sys/fs/pipe-max-size).
    static let bytes: Int32 = 1 << 20

    /// Raises the buffer of `descriptor` to ``bytes`` when it is a pipe with less; anything else, or a refusal (a
    /// lower limit, the user's pipe pages spent), leaves it as it was.
    static func enlarge(_ descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFIFO else { return }
        let getSize: Int32 = 1032, setSize: Int32 = 1031  // F_GETPIPE_SZ, F_SETPIPE_SZ (Linux; not in Swift's Glibc)
        if fcntl(descriptor, getSize) < bytes { _ = fcntl(descriptor, setSize, bytes) }
    }
}

/// A progress line on stderr for long runs over files, only when stderr is a terminal.
struct Progress {
    let total: Int
    let name: String
    private var done = 0
    private var lastDraw: UInt64 = 0
    private let started = DispatchTime.now().uptimeNanoseconds

    /// A progress bar for `input`, or nil when stderr is not a terminal or the size is unknown.
    static func make(for input: Input) -> Progress? {
        guard isatty(2) != 0, let size = input.fileSize, size > 0 else { return nil }
        return Progress(total: size, name: input.name)
    }

    private init(total: Int, name: String) {
        self.total = total
        self.name = name
    }

    mutating func advance(_ bytes: Int) {
        done += bytes
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 200_000_000 || done >= total else { return }
        lastDraw = now
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let seconds = Double(now - started) / 1e9
        let rate = seconds > 0 ? Double(done) / 1e6 / seconds : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\r\(name) \(bar) \(Int(fraction * 100))% \(String(format: "%.1f", rate)) MB/s "
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    func finish() {
        var bytes = Array("\r\u{1B}[K".utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
