import ArgumentParser

/// `twip version`: prints twip's version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print twip's version.")

    func run() throws {
        Terminal.standardOutput.write("twip \(twipVersion)\n")
    }
}

/// twip's version string.
let twipVersion = "0.1.0"
