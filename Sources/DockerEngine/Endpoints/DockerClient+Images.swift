import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Lists images, optionally filtered (e.g. `.labels(["io.twip.env"])`, `["dangling": ["true"]]`).
    public func listImages(all: Bool = false, filters: Filters = [:]) async throws -> [ImageSummary] {
        try await decode(
            [ImageSummary].self,
            EngineRequest(
                .GET, "/images/json", query: [("all", all ? "1" : "0"), ("filters", filters.queryValue)],
                operation: "list images"))
    }

    /// Inspects an image by name or id; a missing one throws an `EngineError` whose `isNotFound` is true.
    public func inspectImage(_ name: String) async throws -> ImageInspect {
        try await decode(
            ImageInspect.self,
            EngineRequest(.GET, "/images/\(EngineRequest.segment(name))/json", operation: "inspect image", object: name)
        )
    }

    /// Tags an image as `repository:tag`.
    public func tagImage(_ name: String, repository: String, tag: String? = nil) async throws {
        try await perform(
            EngineRequest(
                .POST, "/images/\(EngineRequest.segment(name))/tag", query: [("repo", repository), ("tag", tag)],
                operation: "tag image", object: name))
    }

    /// Removes an image; `force` removes it even when tagged more than once or used by a stopped container.
    @discardableResult
    public func removeImage(_ name: String, force: Bool = false, noPrune: Bool = false) async throws
        -> [ImageDeleteItem]
    {
        try await decode(
            [ImageDeleteItem].self,
            EngineRequest(
                .DELETE, "/images/\(EngineRequest.segment(name))",
                query: [("force", force ? "1" : nil), ("noprune", noPrune ? "1" : nil)],
                operation: "remove image", object: name))
    }

    /// Removes unused images: dangling only by default (`dangling=true`), or as `filters` say (e.g. labels).
    public func pruneImages(filters: Filters = ["dangling": ["true"]]) async throws -> PruneReport {
        try await decode(
            PruneReport.self,
            EngineRequest(.POST, "/images/prune", query: [("filters", filters.queryValue)], operation: "prune images"))
    }

    /// Creates an image from a root filesystem tar (`POST /images/create?fromSrc=-`) and returns its id.
    ///
    /// `changes` are Dockerfile instructions applied to the image, e.g. `LABEL io.twip.base=busybox`, `CMD ["sh"]`.
    @discardableResult
    public func importImage(
        _ rootfs: RequestBody, repository: String, tag: String? = nil, changes: [String] = [],
        onMessage: @Sendable (StreamMessage) -> Void = { _ in }
    ) async throws -> String {
        var query: [(String, String?)] = [("fromSrc", "-"), ("repo", repository), ("tag", tag)]
        for change in changes { query.append(("changes", change)) }
        let reference = tag.map { "\(repository):\($0)" } ?? repository
        let response = try await send(
            EngineRequest(
                .POST, "/images/create", query: query, body: rootfs, operation: "import image", object: reference))
        _ = try await consumeProgress(response, operation: "import image", object: reference, onMessage: onMessage)
        // The import stream ends with {"status":"sha256:..."}; inspecting the reference is the reliable answer.
        return try await inspectImage(reference).id
    }

    /// Copies images with their tags to the engine of `target`: this engine's `docker save` archive
    /// (`GET /images/get`) streamed into the other's `docker load` (`POST /images/load`), never held in memory.
    public func copyImages(_ names: [String], to target: DockerClient) async throws {
        let listed = names.joined(separator: " ")
        let saved = try await send(
            EngineRequest(
                .GET, "/images/get", query: names.map { ("names", Optional($0)) }, operation: "save images",
                object: listed))
        let response = try await target.send(
            EngineRequest(
                .POST, "/images/load", query: [("quiet", "1")],
                body: .stream(saved.body, contentType: "application/x-tar"), operation: "load images",
                object: listed))
        _ = try await target.consumeProgress(response, operation: "load images", object: listed) { _ in }
    }

    /// Builds an image from a tar context (see `BuildContext`), streaming progress, and returns the image id.
    ///
    /// A 200 answer is not success: every line is checked, and an `errorDetail` throws the engine's message.
    @discardableResult
    public func buildImage(
        context: RequestBody, options: BuildOptions, onMessage: @Sendable (StreamMessage) -> Void = { _ in }
    ) async throws -> String {
        var query: [(String, String?)] = options.tags.map { ("t", $0) }
        query += [
            ("dockerfile", options.dockerfile), ("target", options.target), ("q", options.quiet ? "1" : nil),
            ("rm", options.removeIntermediate ? "1" : "0"), ("forcerm", options.forceRemoveIntermediate ? "1" : nil),
            ("pull", options.pull ? "1" : "0"), ("nocache", options.noCache ? "1" : nil),
            ("buildargs", options.buildArgs.isEmpty ? nil : JSONCoding.string(options.buildArgs)),
            ("labels", options.labels.isEmpty ? nil : JSONCoding.string(options.labels)),
            ("networkmode", options.networkMode),
            ("cachefrom", options.cacheFrom.isEmpty ? nil : JSONCoding.string(options.cacheFrom)),
        ]
        let object = options.tags.first ?? "image"
        let response = try await send(
            EngineRequest(.POST, "/build", query: query, body: context, operation: "build", object: object))
        let result = try await consumeProgress(response, operation: "build", object: object, onMessage: onMessage)
        if let id = result.imageID { return id }
        if let short = result.builtShortID { return try await inspectImage(short).id }
        if let tag = options.tags.first { return try await inspectImage(tag).id }
        throw EngineResponseError(operation: "build", detail: "the engine did not report the built image id")
    }

    /// Pushes `repository:tag`, streaming progress, and returns the pushed digest.
    ///
    /// Credentials come from `auth` or, when nil, from the repository's registry as the docker CLI finds them
    /// (credential helpers, then `auths` in the Docker config file).
    @discardableResult
    public func pushImage(
        _ repository: String, tag: String, auth: RegistryAuth? = nil,
        onMessage: @Sendable (StreamMessage) -> Void = { _ in }
    ) async throws -> String? {
        let reference = "\(repository):\(tag)"
        let credentials = try auth ?? RegistryAuth.lookup(registry: RegistryAuth.registry(of: repository))
        let header = credentials?.headerValue ?? RegistryAuth.anonymousHeaderValue
        let response = try await send(
            EngineRequest(
                .POST, "/images/\(EngineRequest.segment(repository))/push", query: [("tag", tag)],
                headers: [("X-Registry-Auth", header)], operation: "push", object: reference))
        return try await consumeProgress(response, operation: "push", object: reference, onMessage: onMessage).digest
    }
}

extension DockerClient {
    /// Asks the registry, through the engine (`GET /distribution/{name}/json`), which manifest `reference`
    /// (`REGISTRY/REPOSITORY:TAG`) names there; a reference the registry does not have throws an `EngineError` whose
    /// `isNotFound` is true. Credentials as for `pushImage`.
    public func distributionDescriptor(_ reference: String, auth: RegistryAuth? = nil) async throws
        -> DistributionDescriptor
    {
        let repository = reference.split(separator: "@").first.map(String.init) ?? reference
        let credentials = try auth ?? RegistryAuth.lookup(registry: RegistryAuth.registry(of: repository))
        let header = credentials?.headerValue ?? RegistryAuth.anonymousHeaderValue
        return try await decode(
            DistributionInspect.self,
            EngineRequest(
                .GET, "/distribution/\(EngineRequest.segment(reference))/json", headers: [("X-Registry-Auth", header)],
                operation: "inspect in registry", object: reference)
        ).descriptor
    }
}

/// Query options of `POST /build`.
public struct BuildOptions: Sendable, Equatable {
    /// Tags for the image (`name:tag`), the first used in messages.
    public var tags: [String]
    /// The Dockerfile's path inside the context.
    public var dockerfile: String?
    public var buildArgs: [String: String]
    public var labels: [String: String]
    /// The multi-stage target to stop at.
    public var target: String?
    public var quiet: Bool
    public var removeIntermediate: Bool
    public var forceRemoveIntermediate: Bool
    /// Whether to pull newer base images; false by default because twip builds from local base images.
    public var pull: Bool
    public var noCache: Bool
    public var networkMode: String?
    /// Images the builder may take cached layers from.
    public var cacheFrom: [String] = []

    /// Creates build options.
    public init(
        tags: [String] = [], dockerfile: String? = nil, buildArgs: [String: String] = [:],
        labels: [String: String] = [:], target: String? = nil, quiet: Bool = false, removeIntermediate: Bool = true,
        forceRemoveIntermediate: Bool = true, pull: Bool = false, noCache: Bool = false, networkMode: String? = nil
    ) {
        self.tags = tags
        self.dockerfile = dockerfile
        self.buildArgs = buildArgs
        self.labels = labels
        self.target = target
        self.quiet = quiet
        self.removeIntermediate = removeIntermediate
        self.forceRemoveIntermediate = forceRemoveIntermediate
        self.pull = pull
        self.noCache = noCache
        self.networkMode = networkMode
    }
}
