@testable import Boilerstrip
import Testing

@Suite struct CatalogueSnapshotTests {
    static let files = Catalogue.builtinFiles
    static let fingerprint = CatalogueSnapshot.fingerprint(of: files)

    /// The embedded snapshot is what analysing the embedded rule files gives now: same rules, same fields. A rule
    /// edit, or a change to the analysis, fails this until `make rules-snapshot` writes it again.
    @Test func embeddedSnapshotIsFresh() throws {
        let fresh = CatalogueSnapshot.write(try Catalogue.builtinRules(snapshot: false), fingerprint: Self.fingerprint)
        let same = fresh == Catalogue.embeddedSnapshot  // (not inside #expect, which would print both megabytes)
        #expect(same, "Rules/snapshot.jsonl is stale: run make rules-snapshot")
    }

    /// The start reads the built-in rules from the snapshot, and they write back to the same bytes.
    @Test func builtinRulesComeFromTheSnapshot() throws {
        let read = try #require(CatalogueSnapshot.read(Catalogue.embeddedSnapshot, fingerprint: Self.fingerprint))
        #expect(read.count == Support.builtin.rules.count && read.count > 400)
        let writesBack = CatalogueSnapshot.write(read, fingerprint: Self.fingerprint) == Catalogue.embeddedSnapshot
        #expect(writesBack)
        #expect(read.map(\.id) == Support.builtin.rules.map(\.id))
        // The patterns compile at their first use, as the YAML-loaded ones do.
        #expect(read.allSatisfy { !$0.regex.isCompiled })
        let listed = read.map(RuleListing.json) == (try Catalogue.builtinRules(snapshot: false)).map(RuleListing.json)
        #expect(listed, "rules list --json differs between the snapshot and the rule files")
    }

    /// Every field survives a round trip, including escapes, empty and absent values.
    @Test func roundTripsEveryField() throws {
        let yaml = Support.ruleFile(
            id: "odd-one", pattern: #"(?i)^Abo\t"quoted" \\ back{eos}"#, match: ["Abo\t\"quoted\" \\ back", "«ABO\t\"quoted\" \\ back»"],
            keep: ["nothing here 🙂"], extra: "    credit: true\n    source: \"line one\\nline two\"\n    skip_variants:\n      nbsp: reason \"here\"\n"
        )
        let rules = try RuleLoader.load(yaml: yaml, path: "Rules/odd/multi.yaml")
        let written = CatalogueSnapshot.write(rules, fingerprint: 42)
        let read = try #require(CatalogueSnapshot.read(written, fingerprint: 42))
        #expect(CatalogueSnapshot.write(read, fingerprint: 42) == written)
        let (original, copy) = (rules[0], read[0])
        #expect(copy.pattern == original.pattern && copy.expandedPattern == original.expandedPattern)
        #expect(copy.source == "line one\nline two" && copy.isCredit && copy.skipVariants == ["nbsp": "reason \"here\""])
        #expect(copy.screenLiterals == original.screenLiterals && copy.literalReach == original.literalReach)
        #expect(copy.matchReach == original.matchReach && copy.lineStart == original.lineStart && copy.lineStart != nil)
        #expect(copy.matchExamples == original.matchExamples && copy.keepExamples == original.keepExamples)
        #expect(copy.matchExamples.map(\.span) == original.matchExamples.map(\.span))
        #expect(copy.location == original.location && copy.weight == original.weight)
        // Its pattern matches its examples.
        try RuleLoader.checkExamples(of: copy)
    }

    /// A string ends at the first quote after an even number of backslashes (the reader finds it with `memchr`).
    @Test(arguments: ["", "plain", "ends in a backslash \\", "\\\\", "\"", "a \\\" b", "\\\"\\", "é \\ ü \"x\"", "tab\there"])
    func stringsEndAtTheirClosingQuote(text: String) {
        var token: [UInt8] = []
        JSONString.encode(Array(text.utf8), to: &token)
        let bytes = token + Array(#","next""#.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var reader = CatalogueSnapshot.Reader(bytes: buffer, index: 0)
            #expect(reader.string() == text)
            #expect(reader.take(UInt8(ascii: ",")) && reader.string() == "next" && reader.index == buffer.count)
        }
        // Without its closing quote it does not read.
        Array(token.dropLast()).withUnsafeBufferPointer { buffer in
            var reader = CatalogueSnapshot.Reader(bytes: buffer, index: 0)
            #expect(reader.string() == nil)
        }
    }

    /// A snapshot of other files, a cut one or a damaged one is not read (the rules then load from YAML).
    @Test func staleOrDamagedSnapshotsAreIgnored() throws {
        let snapshot = Catalogue.embeddedSnapshot
        #expect(CatalogueSnapshot.read(snapshot, fingerprint: Self.fingerprint &+ 1) == nil)
        #expect(CatalogueSnapshot.read(String(snapshot.dropLast(200)), fingerprint: Self.fingerprint) == nil)
        let lines = snapshot.split(separator: "\n", omittingEmptySubsequences: false)
        let shorter = lines.prefix(3).joined(separator: "\n") + "\n"
        #expect(CatalogueSnapshot.read(shorter, fingerprint: Self.fingerprint) == nil, "fewer rules than the header says")
        let damaged = snapshot.replacingOccurrences(of: ",\"paywall\",", with: ",\"paywal\",")
        #expect(damaged != snapshot && CatalogueSnapshot.read(damaged, fingerprint: Self.fingerprint) == nil)
        #expect(CatalogueSnapshot.read("", fingerprint: Self.fingerprint) == nil)
    }

    /// The fingerprint follows every byte of the files and their paths.
    @Test func fingerprintSeesEveryByte() {
        let files = Self.files
        var edited = files
        let last = edited.count - 1
        edited[last].text = String(edited[last].text.dropLast()) + "x"
        #expect(CatalogueSnapshot.fingerprint(of: edited) != Self.fingerprint)
        var renamed = files
        renamed[0].path += "x"
        #expect(CatalogueSnapshot.fingerprint(of: renamed) != Self.fingerprint)
        // A byte moved from one file's end to the next one's start.
        let moved = [(path: "a", text: "xy"), (path: "b", text: "z")], other = [(path: "a", text: "x"), (path: "b", text: "yz")]
        #expect(CatalogueSnapshot.fingerprint(of: moved) != CatalogueSnapshot.fingerprint(of: other))
        #expect(CatalogueSnapshot.fingerprint(of: files) == Self.fingerprint)
    }
}
