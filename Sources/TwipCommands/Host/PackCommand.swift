import ArgumentParser
import DockerEngine
import Foundation
import TwipCore
import TwipStack

/// `twip pack`: tag the images an environment builds as `R/twip-SERVICE:T` and push them, for release pipelines.
struct PackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Tag the environment's built images as REGISTRY/twip-SERVICE:TAG and push them.",
        discussion: """
            The registry comes from --registry or TWIP_REGISTRY; credentials from the Docker config file
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

    struct Pushed: Codable {
        var service: String
        var reference: String
        var digest: String?
        var pushed: Bool
    }

    func run() async throws {
        var options = stackOptions
        if let environment {
            guard options.environment == nil else { throw UsageError("environment given twice") }
            options.environment = environment
        }
        let loaded = try options.load(defaultEnvironment: "prod")
        guard let registry = registry ?? ProcessInfo.processInfo.environment["TWIP_REGISTRY"], !registry.isEmpty else {
            throw UsageError("no registry: give --registry HOST[:PORT] or set TWIP_REGISTRY")
        }
        guard !registry.contains("://") else {
            throw UsageError("--registry takes HOST[:PORT] (and an optional /path), not a URL: \(registry)")
        }
        let tag = try tag ?? Self.gitTag()
        guard tag.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"#, options: .regularExpression) != nil else {
            throw UsageError("invalid tag \"\(tag)\": letters, digits, '_', '.' and '-', at most 128")
        }
        let services = loaded.stack.services.filter { $0.build != nil }
        guard !services.isEmpty else { throw UsageError("\(loaded.displayPath): no service builds an image") }
        let names = EnvironmentNames(environment: loaded.environment)
        let blueprint = ReplicaBlueprint(stack: loaded.stack, names: names)
        let noPush = noPush
        let json = format == .json
        let results = try await withEngine { client in
            var results: [Pushed] = []
            for service in services {
                let source = blueprint.imageReference(for: service)
                let repository = "\(registry)/twip-\(service.name)"
                do {
                    _ = try await client.inspectImage(source)
                } catch let error as EngineError where error.isNotFound {
                    throw OperationFailed(
                        "image \(source) of service \(service.name) does not exist: run `twip \(loaded.environment) build`"
                    )
                }
                try await client.tagImage(source, repository: repository, tag: tag)
                if !json { Terminal.standardOutput.write("tagged \(source) as \(repository):\(tag)\n") }
                var digest: String?
                if !noPush {
                    digest = try await client.pushImage(repository, tag: tag) { message in
                        guard !json, let status = message.status else { return }
                        if message.progressDetail != nil && message.progress != nil { return }
                        Terminal.standardOutput.write("\(message.id.map { "\($0): " } ?? "")\(status)\n")
                    }
                    if !json {
                        Terminal.standardOutput.write("pushed \(repository):\(tag)\(digest.map { "@\($0)" } ?? "")\n")
                    }
                }
                results.append(
                    Pushed(service: service.name, reference: "\(repository):\(tag)", digest: digest, pushed: !noPush))
            }
            return results
        }
        if json { Terminal.standardOutput.write(try jsonText(results)) }
    }

    /// The short commit of the repository, with `-dirty` when the work tree has uncommitted changes.
    static func gitTag() throws -> String {
        let commit: String
        do {
            commit = try SetupCommand.run("/usr/bin/git", ["rev-parse", "--short", "HEAD"], quiet: true)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw UsageError("no --tag given and no git commit to take one from (not a git repository?)")
        }
        let status = (try? SetupCommand.run("/usr/bin/git", ["status", "--porcelain"], quiet: true)) ?? ""
        return status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? commit : commit + "-dirty"
    }
}
