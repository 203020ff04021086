/// Cleans JSON Lines records and plain-text documents into output bytes: the mode-specific part of the tool,
/// shared by the CLI and the tests.
public struct RecordCleaner: Sendable {
    /// What to do with a malformed record.
    public enum OnError: String, Sendable, CaseIterable {
        /// Stop the run (exit 65).
        case fail
        /// Write the record through unchanged, with a warning.
        case pass
    }

    /// The outcome of one record.
    public enum Outcome: Sendable, Equatable {
        /// Cleaned (possibly unchanged), metadata added.
        case cleaned(removed: Int, truncated: Bool, paywalled: Bool)
        /// No text field, or not a string: written through unchanged.
        case skipped(reason: String)
        /// Malformed: written through unchanged only under `--on-error pass`.
        case malformed(RecordScanner.Malformed)
        /// A rule failed on the record (a match limit): written through with its text unchanged.
        case ruleFailed(MatchFailure)
    }

    public let cleaner: Cleaner
    public let scanner: RecordScanner
    public let metaField: [UInt8]
    public let writer: MetadataWriter
    /// The metadata member's name as a JSON token, with its colon.
    private let metaKey: [UInt8]

    public init(cleaner: Cleaner, textField: String = "text", metaField: String = "boilerstrip", verbose: Bool = false) {
        self.cleaner = cleaner
        scanner = RecordScanner(textField: textField, metaField: metaField)
        self.metaField = Array(metaField.utf8)
        writer = MetadataWriter(catalogue: cleaner.catalogue, verbose: verbose)
        var key: [UInt8] = []
        JSONString.encode(self.metaField, to: &key)
        metaKey = key + [UInt8(ascii: ":")]
    }

    /// Cleans one JSONL record (without its line break) and appends the output record (without line break)
    /// to `out`. A malformed record is appended unchanged; the caller decides whether to go on.
    public func cleanRecord(_ line: UnsafeBufferPointer<UInt8>, in workspace: Cleaner.Workspace, to out: inout [UInt8]) -> Outcome {
        let layout: RecordScanner.Layout
        do {
            layout = try scanner.scan(line)
        } catch {
            out.append(contentsOf: line)
            return .malformed(error)
        }
        guard layout.isObject else {
            out.append(contentsOf: line)
            return .skipped(reason: "not a JSON object")
        }
        guard let textValue = layout.textValue else {
            out.append(contentsOf: line)
            return .skipped(reason: "no text field")
        }
        guard layout.textIsString else {
            out.append(contentsOf: line)
            return .skipped(reason: "the text field is not a string")
        }
        let body = UnsafeBufferPointer(rebasing: line[(textValue.lowerBound + 1)..<(textValue.upperBound - 1)])
        // Decoded with its lines: a body without escapes is one memchr and one copy, and one line.
        let decision = cleaner.clean(JSONString.decodeDocument(body), in: workspace)

        // Splice: the text value (when changed) and the old metadata member (dropped), in their order, then the new
        // member before the closing brace, which comes after both. Most records have neither edit.
        let textEdit: Range<Int>? = decision.removed.isEmpty ? nil : textValue
        var cursor = 0
        // The bytes up to `range`, then the cleaned text in its place or nothing (the old member dropped).
        func splice(_ range: Range<Int>?, text: Bool) {
            guard let range else { return }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: line[cursor..<range.lowerBound]))
            if text { decision.encodeCleanedText(to: &out) }
            cursor = range.upperBound
        }
        let metaFirst = (layout.metaMember?.lowerBound ?? .max) < (textEdit?.lowerBound ?? .max)
        if metaFirst { splice(layout.metaMember, text: false) }
        splice(textEdit, text: true)
        if !metaFirst { splice(layout.metaMember, text: false) }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[cursor..<layout.closingBrace]))
        if layout.metaMember == nil || layout.memberCount > 1 { out.append(UInt8(ascii: ",")) }  // not the only member
        metaKey.withUnsafeBufferPointer { out.append(contentsOf: $0) }  // not copied: every job shares it
        writer.write(decision, to: &out)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[layout.closingBrace...]))
        if let failure = decision.failure { return .ruleFailed(failure) }
        return .cleaned(removed: decision.removed.count, truncated: decision.metadata.truncated, paywalled: decision.metadata.paywalled)
    }

    /// Cleans a plain-text document into `{"text": …, "<meta>": …}`.
    public func cleanDocumentAsJSON(_ bytes: [UInt8], in workspace: Cleaner.Workspace, to out: inout [UInt8]) -> Decision {
        let decision = cleaner.clean(bytes, in: workspace)
        out.append(#"{"text":"#)
        JSONString.encode(decision.cleanedBytes, to: &out)
        out.append(UInt8(ascii: ","))
        JSONString.encode(metaField, to: &out)
        out.append(UInt8(ascii: ":"))
        writer.write(decision, to: &out)
        out.append(UInt8(ascii: "}"))
        return decision
    }
}
