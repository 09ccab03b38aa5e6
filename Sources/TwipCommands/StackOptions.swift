import ArgumentParser
import Foundation

/// Which stack a command works on: `twip ENV ...` (stacks/ENV.yml) or `twip -f FILE ...`.
struct StackOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: .hidden)
    var environment: String?

    @Option(name: .customLong("file"), help: "A stack file to use instead of stacks/ENV.yml (`twip -f FILE ACTION`).")
    var file: String?

    /// The stack file path and the environment name it stands for.
    func resolve(defaultEnvironment: String? = nil) throws -> (path: String, environment: String) {
        if let file {
            let base = NSStringPath(path: file).lastComponentWithoutExtension
            return (file, environment ?? base)
        }
        guard let name = environment ?? defaultEnvironment else {
            throw UsageError("no environment given; use `twip ENV ACTION` or `twip -f FILE ACTION`")
        }
        guard name.range(of: #"^[a-z0-9][a-z0-9_-]*$"#, options: .regularExpression) != nil else {
            throw UsageError("invalid environment name \"\(name)\": use lowercase letters, digits, '-' and '_'")
        }
        return ("stacks/\(name).yml", name)
    }
}

/// Minimal path helpers without pulling NSString bridging into every file.
struct NSStringPath {
    let path: String
    var lastComponentWithoutExtension: String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = last.lastIndex(of: "."), dot != last.startIndex { return String(last[..<dot]) }
        return last
    }
}
