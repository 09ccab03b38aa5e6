import ArgumentParser
import Foundation
import TwipCore

/// `twip clean [up|all] [--base]`: remove what twip left behind, and only what carries its labels.
struct CleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "up: exited twip containers and dangling twip images; all: every twip container, network and "
            + "built image (base images only with --base). Objects without twip's labels are never touched.")

    enum Scope: String, ExpressibleByArgument, CaseIterable {
        case up, all
    }

    @Argument(help: "up or all.")
    var scope: Scope = .up

    @Flag(help: "With `all`, also remove the base images made by `twip base`.")
    var base = false

    func run() async throws {
        if base && scope != .all { throw UsageError("--base goes with `clean all`") }
        let (all, base) = (scope == .all, base)
        let report = try await EngineSession.with { session in
            try await session.clean(all: all, base: base) { Terminal.standardOutput.write($0 + "\n") }
        }
        Terminal.standardOutput.write(
            String(
                format: "%d object(s) removed; up to %.1f MB reclaimed (images share layers)\n", report.removed.count,
                Double(report.reclaimed) / 1_000_000))
    }
}
