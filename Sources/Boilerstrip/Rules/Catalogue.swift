import Foundation
import Synchronization

/// A loaded set of rules with the screen built over them: what a ``Cleaner`` runs.
public struct Catalogue: Sendable {
    /// The rules, in load order (embedded catalogue first, then user folders).
    public let rules: [Rule]
    /// The literal screen over the rules.
    public let screen: Screen
    /// `screen`, read without counting a reference (`screen` holds it): every job screens every document, and a count on
    /// an object both cores share moves its cache line between them each time.
    private let unretainedScreen: Unmanaged<Screen>

    /// Builds a catalogue from loaded rules.
    /// - Throws: ``RuleLoadError`` when two rules share an id.
    public init(rules: [Rule]) throws(RuleLoadError) {
        var seen: [String: RuleLocation] = [:]
        for rule in rules {
            if let first = seen[rule.id] {
                throw RuleLoadError(file: rule.location.file, line: rule.location.line, ruleID: rule.id,
                                    message: "duplicate id: already defined at \(first)")
            }
            seen[rule.id] = rule.location
        }
        self.rules = rules
        screen = Screen(rules: rules)
        unretainedScreen = Unmanaged.passUnretained(screen)
    }

    /// The screen's candidates in `document` (``Screen/candidates(in:scratch:)``), the screen read without counting a
    /// reference.
    public func candidates(in document: Document, scratch: Screen.Scratch) -> [Candidate] {
        unretainedScreen._withUnsafeGuaranteedRef { $0.candidates(in: document, scratch: scratch) }
    }

    /// The rule files embedded in the binary at build time, as (path under Rules/, YAML text).
    public static var embeddedFiles: [(path: String, text: String)] { embeddedRuleFiles }

    /// Loads rule files given as (path, text), checking each pattern against its examples unless told not to.
    ///
    /// Files load on all cores (each is parsed, expanded, analysed and compiled on its own); the rules keep the
    /// files' order, and the first file in that order with an error throws it.
    public static func load(files: [(path: String, text: String)], checkExamples: Bool = true) throws(RuleLoadError) -> [Rule] {
        let results = Mutex<[Result<[Rule], RuleLoadError>?]>(Array(repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            let result: Result<[Rule], RuleLoadError>
            do throws(RuleLoadError) {
                result = .success(try RuleLoader.load(yaml: file.text, path: file.path, checkExamples: checkExamples))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
        }
        var rules: [Rule] = []
        for result in results.withLock({ $0 }) {
            switch result {
            case .success(let loaded): rules.append(contentsOf: loaded)
            case .failure(let error): throw error
            case nil: break
            }
        }
        return rules
    }


    /// The catalogue embedded in the binary. Its examples are checked by `rules test` (in the test suite), not
    /// on every start.
    public static func builtin() throws(RuleLoadError) -> Catalogue {
        try Catalogue(rules: builtinRules())
    }

    /// The embedded rule files as the built-in catalogue names them (under `Rules/`).
    public static var builtinFiles: [(path: String, text: String)] { embeddedFiles.map { ("Rules/" + $0.path, $0.text) } }

    /// The embedded `Rules/snapshot.jsonl` (``CatalogueSnapshot``), empty when the build had none.
    public static var embeddedSnapshot: String { embeddedCatalogueSnapshot }

    /// The built-in rules: read from the embedded snapshot when it was written from the embedded rule files (the
    /// start then neither parses YAML nor analyses a pattern), else loaded from the files.
    /// - Parameter snapshot: false to load from the files whatever the snapshot holds (`rules snapshot` does).
    public static func builtinRules(snapshot: Bool = true) throws(RuleLoadError) -> [Rule] {
        let files = builtinFiles
        if snapshot, let rules = CatalogueSnapshot.read(embeddedSnapshot, fingerprint: CatalogueSnapshot.fingerprint(of: files)) {
            return rules
        }
        return try load(files: files, checkExamples: false)
    }

    /// The embedded catalogue (unless `includeBuiltin` is false) plus the rule files under each folder, whose
    /// patterns are checked against their examples as they load.
    public static func load(includeBuiltin: Bool = true, directories: [String]) throws(RuleLoadError) -> Catalogue {
        var rules = includeBuiltin ? try builtinRules() : []
        for directory in directories { rules += try load(files: try ruleFiles(in: directory)) }
        return try Catalogue(rules: rules)
    }

    /// The `.yaml`/`.yml` files under `directory`, sorted by path.
    public static func ruleFiles(in directory: String) throws(RuleLoadError) -> [(path: String, text: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RuleLoadError(file: directory, line: 0, message: "not a folder of rule files")
        }
        let root = URL(fileURLWithPath: directory)
        var paths: [String] = []
        if let walker = FileManager.default.enumerator(atPath: directory) {
            for case let relative as String in walker where relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") {
                paths.append(relative)
            }
        }
        var files: [(path: String, text: String)] = []
        for relative in paths.sorted() {
            let url = root.appendingPathComponent(relative)
            let shown = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw RuleLoadError(file: shown, line: 0, message: "cannot read the file")
            }
            guard let text = String(validating: data, as: UTF8.self) else {
                throw RuleLoadError(file: shown, line: 0, message: "the file is not UTF-8")
            }
            files.append((shown, text))
        }
        return files
    }

    /// The rule with this id.
    public func rule(id: String) -> Rule? { rules.first { $0.id == id } }
}
