import DockerEngine

/// What both backends read of a container (a replica's, or a swarm task's on this engine).
extension DockerClient {
    /// The readiness-relevant state of a container.
    func readinessSnapshot(of container: String) async throws -> ContainerSnapshot {
        ContainerSnapshot(try await inspectContainer(container))
    }

    /// The last `count` lines of a container's output (both streams), oldest first.
    func lastLines(of container: String, count: Int) async throws -> [String] {
        var lines: [String] = []
        for try await frame in try await logs(container, options: LogOptions(follow: false, tail: count)) {
            lines += String(decoding: frame.bytes, as: UTF8.self).split(whereSeparator: \.isNewline).map(String.init)
        }
        return Array(lines.suffix(count))
    }
}
