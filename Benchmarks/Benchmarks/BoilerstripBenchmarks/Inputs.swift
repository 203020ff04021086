import Foundation

/// Where the benchmark inputs come from, and how they are cut into slices of exactly `sliceBytes`.
///
/// Every benchmark iteration cleans one slice of exactly 10^6 input bytes, and the benchmarks use
/// `scalingFactor: .mega`, so ordo-one's scaled `throughput` (iterations/s × 10^6) is input bytes per second:
/// read "throughput (M)" as MB/s. Iterations go round the slices in order.
enum Inputs {
    static let sliceBytes = 1_000_000
    /// How much of the shared corpus the corpus benchmarks read (whole lines up to this many bytes).
    static let corpusPrefixBytes = 20_000_000

    /// The repository this package sits in (…/main), from this file's path at build time.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // BoilerstripBenchmarks
        .deletingLastPathComponent()   // Benchmarks (sources)
        .deletingLastPathComponent()   // Benchmarks (package)
        .deletingLastPathComponent()   // the repository

    /// The shared corpus: `$BOILERSTRIP_CORPUS`, else `../shared/corpus/news.jsonl.gz` relative to the repository.
    static var corpusPath: String {
        if let path = ProcessInfo.processInfo.environment["BOILERSTRIP_CORPUS"], !path.isEmpty { return path }
        return repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/news.jsonl.gz").path
    }

    static var corpusAvailable: Bool { FileManager.default.isReadableFile(atPath: corpusPath) }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data(("BoilerstripBenchmarks: " + message + "\n").utf8))
    }

    /// The first whole lines of the gzip-compressed corpus, up to `limit` bytes, through `gzip -dc`.
    static func corpusPrefix(limit: Int = corpusPrefixBytes) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", corpusPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limit + (1 << 20))
        let handle = pipe.fileHandleForReading
        while bytes.count <= limit {
            let data = handle.availableData
            if data.isEmpty { break }
            bytes.append(contentsOf: data)
        }
        if process.isRunning { process.terminate() }
        try? handle.close()
        process.waitUntilExit()
        // Whole lines only, at most `limit` bytes.
        let window = bytes.prefix(limit)
        guard let lastBreak = window.lastIndex(of: 0x0A) else {
            throw InputError("\(corpusPath): no complete line in the first \(limit) bytes (is it gzip JSONL?)")
        }
        return Array(bytes[...lastBreak])
    }

    /// Lines of a JSONL buffer, each with its `\n`.
    static func lines(_ jsonl: [UInt8]) -> [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = 0
        for index in jsonl.indices where jsonl[index] == 0x0A {
            result.append(jsonl[start...index])
            start = index + 1
        }
        if start < jsonl.count { result.append(jsonl[start...]) }
        return result
    }

    /// The decoded `text` field of each record (a minimal reader: the corpus is flat JSON objects).
    static func texts(ofLines lines: [ArraySlice<UInt8>]) throws -> [[UInt8]] {
        try lines.map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let text = object["text"] as? String else { throw InputError("a corpus line without a text field") }
            return Array(text.utf8)
        }
    }

    /// Slices of JSONL of exactly `sliceBytes`: whole records, then one blank line of spaces to fill up (blank
    /// lines are written through untouched). A last, partial slice is dropped.
    static func jsonlSlices(_ lines: [ArraySlice<UInt8>]) -> [JSONLSlice] {
        var slices: [JSONLSlice] = []
        var current: [UInt8] = []
        var records = 0
        current.reserveCapacity(sliceBytes)
        for line in lines {
            precondition(line.last == 0x0A && line.count < sliceBytes)
            if current.count + line.count > sliceBytes {
                let fill = sliceBytes - current.count
                if fill > 0 { current += [UInt8](repeating: 0x20, count: fill - 1) + [0x0A] }
                slices.append(JSONLSlice(bytes: current, records: records))
                current.removeAll(keepingCapacity: true)
                records = 0
            }
            current += line
            records += 1
        }
        return slices
    }

    /// Slices of documents of exactly `sliceBytes` in all: whole documents, then the head of the next one, cut
    /// at a character boundary (and padded with spaces to the byte). A last, partial slice is dropped.
    static func textSlices(_ documents: [[UInt8]]) -> [TextSlice] {
        var slices: [TextSlice] = []
        var current: [[UInt8]] = []
        var total = 0
        for document in documents where !document.isEmpty {
            if total + document.count <= sliceBytes {
                current.append(document)
                total += document.count
                if total == sliceBytes { slices.append(TextSlice(documents: current)); current = []; total = 0 }
                continue
            }
            var cut = sliceBytes - total
            while cut > 0 && document[cut] & 0xC0 == 0x80 { cut -= 1 }
            current.append(Array(document[..<cut]) + [UInt8](repeating: 0x20, count: sliceBytes - total - cut))
            slices.append(TextSlice(documents: current))
            current = []
            total = 0
        }
        return slices
    }
}

struct JSONLSlice: Sendable {
    let bytes: [UInt8]
    /// Records in it (the filler line not counted).
    let records: Int
}

struct TextSlice: Sendable {
    let documents: [[UInt8]]
    var bytes: Int { documents.reduce(0) { $0 + $1.count } }
}

struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
