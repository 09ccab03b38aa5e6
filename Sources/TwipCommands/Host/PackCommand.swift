import ArgumentParser
import Foundation
import TwipCore
import TwipStack

/// `twip pack`: tag the images an environment builds as `R/twip-SERVICE:T` and push them, for release pipelines.
struct PackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Tag the environment's built images as REGISTRY/twip-SERVICE:TAG and push them.",
        discussion: """
            The registry comes from --registry, TWIP_REGISTRY, or x-twip.registry in the stack; credentials from the Docker config file
            (~/.docker/config.json) when it has some for that registry. The default tag is the repository's short
            git commit, with -dirty when the work tree has changes.
            """)

    @OptionGroup var stackOptions: StackOptions

    @Argument(help: "The environment (default prod).")
    var environment: String?

    @Option(help: "The registry to push to, e.g. registry.example.com:5000.")
    var registry: String?

    @Option(help: "The tag (default: short git commit, -dirty when the tree has changes).")
    var tag: String?

    @Flag(help: "Tag only; do not push.")
    var noPush = false

    @Option(help: "text or json.")
    var format: PackFormat = .text

    enum PackFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    func run() async throws {
        var options = stackOptions
        if let environment {
            guard options.environment == nil else { throw UsageError("environment given twice") }
            options.environment = environment
        }
        let loaded = try options.load(defaultEnvironment: "prod")
        let chosen = try ImageRegistry.given(option: registry, environment: ProcessInfo.processInfo.environment)
        guard let registry = chosen?.address ?? loaded.stack.registry else {
            throw UsageError(
                "no registry: give --registry HOST[:PORT], set TWIP_REGISTRY, or write x-twip: {registry: HOST[:PORT]} "
                    + "in \(loaded.displayPath)")
        }
        let given = tag
        let tag: String
        if let given { tag = given } else { tag = try await ReleaseTag.fromGit() }
        guard tag.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"#, options: .regularExpression) != nil else {
            throw UsageError("invalid tag \"\(tag)\": letters, digits, '_', '.' and '-', at most 128")
        }
        guard loaded.stack.services.contains(where: { $0.build != nil }) else {
            throw UsageError("\(loaded.displayPath): no service builds an image")
        }
        let (push, json) = (!noPush, format == .json)
        let results = try await loaded.withEnvironment { environment in
            try await environment.pack(registry: registry, tag: tag, push: push) { progress in
                guard !json else { return }
                switch progress {
                case .tagged(let source, let reference):
                    Terminal.standardOutput.write("tagged \(source) as \(reference)\n")
                case .pushing(let line):
                    Terminal.standardOutput.write(line + "\n")
                case .pushed(let reference, let digest):
                    Terminal.standardOutput.write("pushed \(reference)\(digest.map { "@\($0)" } ?? "")\n")
                }
            }
        }
        if json { Terminal.standardOutput.write(try jsonText(results)) }
    }
}
