public import DockerEngine
import Foundation
public import TwipStack

/// Builds the images of an environment's services through the engine, independent images concurrently.
public struct ImageBuild: Sendable {
    public let client: DockerClient
    public let stack: Stack
    public let names: EnvironmentNames
    /// Receives each output line of a build, with the service it belongs to.
    public let output: @Sendable (_ service: String, _ line: String) -> Void

    public init(
        client: DockerClient, stack: Stack, environment: String,
        output: @escaping @Sendable (_ service: String, _ line: String) -> Void
    ) {
        self.client = client
        self.stack = stack
        self.names = EnvironmentNames(environment: environment)
        self.output = output
    }

    /// One finished build.
    public struct Result: Sendable {
        public var service: String
        public var image: String
        public var imageID: String
        public var seconds: Double
    }

    /// The services of `selection` (all when empty) that have a `build` section.
    public func buildable(_ selection: [String]) -> [Service] {
        stack.services.filter { $0.build != nil && (selection.isEmpty || selection.contains($0.name)) }
    }

    /// Builds `services`; the first failure cancels the others and is thrown with the engine's message.
    ///
    /// Every image carries the OCI labels of `ReleaseMetadata` read from the git tree holding the stack file.
    public func run(_ services: [Service], noCache: Bool = false) async throws -> [Result] {
        let release = await ReleaseMetadata.read(directory: stack.directory)
        return try await withThrowingTaskGroup(of: Result.self) { group in
            for service in services {
                guard let build = service.build else { continue }
                let image = names.imageReference(for: service)
                group.addTask {
                    let started = ContinuousClock.now
                    let context = BuildContext(directory: build.context, dockerfile: build.dockerfile ?? "Dockerfile")
                    var options = BuildOptions(tags: [image])
                    options.dockerfile = build.dockerfile
                    options.buildArgs = build.args
                    options.target = build.target
                    options.networkMode = build.network
                    options.cacheFrom = build.cacheFrom
                    options.noCache = noCache
                    options.labels = build.labels.merging(release.labels) { stack, _ in stack }.merging(
                        [TwipLabel.environment: names.environment, TwipLabel.service: service.name]) { $1 }
                    let id: String
                    let recent = RecentLines(limit: 6)
                    do {
                        id = try await client.buildImage(context: try context.stream().body, options: options) {
                            message in
                            if let text = message.stream {
                                for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                                    recent.append(String(line))
                                    output(service.name, String(line))
                                }
                            } else if let status = message.status {
                                output(service.name, status)
                            }
                        }
                    } catch let error as EngineError {
                        // The step's own output says why (the engine's message only names the command): keep
                        // its last lines, so a quiet build in a pipeline still shows them.
                        let lines = recent.lines.map(Self.plain).filter {
                            !$0.isEmpty && !$0.hasPrefix("--->") && !$0.hasPrefix("Step ")
                                && !$0.hasPrefix("Removing intermediate container")
                        }
                        let detail = lines.isEmpty ? "" : " (output: \(lines.joined(separator: " | ")))"
                        throw ImageBuildError(service: service.name, image: image, message: error.description + detail)
                    }
                    let elapsed = ContinuousClock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    return Result(service: service.name, image: image, imageID: id, seconds: seconds)
                }
            }
            var results: [Result] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.service < $1.service }
        }
    }
}

extension ImageBuild {
    /// `line` without terminal colour sequences (the engine colours a step's standard error).
    public static func plain(_ line: String) -> String {
        var result = ""
        var iterator = line.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\u{1B}" {
                while let next = iterator.next(), !("@"..."~").contains(next) || next == "[" {}
                continue
            }
            result.unicodeScalars.append(scalar)
        }
        return result.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A build that failed, with the service, the image and the engine's own message (the failing step's output).
public struct ImageBuildError: Error, Sendable, CustomStringConvertible {
    public var service: String
    public var image: String
    public var message: String

    public var description: String { "build of \(image) (service \(service)) failed: \(message)" }
}

/// The last few lines of a build's output, kept to explain a failure.
final class RecentLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func append(_ line: String) {
        lock.lock()
        stored.append(line)
        if stored.count > limit { stored.removeFirst(stored.count - limit) }
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
