import DockerEngine
import TwipStack

/// How every node of a swarm gets the same bytes: through a registry, by digest.
extension SwarmBackend {
    /// The registry images go through: the one given (`--registry`, `TWIP_REGISTRY`), else the stack's
    /// `x-twip.registry`, else the address a swarm service labelled `io.twip.registry` carries; nil when none.
    func registry() async throws -> ImageRegistry? {
        if let givenRegistry { return givenRegistry }
        if let address = stack.registry { return ImageRegistry(address: address, origin: .stack(stack.filePath)) }
        let labelled = try await client.listServices(filters: .labels([ImageRegistry.serviceLabel]))
        let found = labelled.compactMap { service -> ImageRegistry? in
            guard let address = service.spec.labels?[ImageRegistry.serviceLabel] else { return nil }
            return ImageRegistry(address: address, origin: .swarmService(service.spec.name))
        }.sorted { $0.address < $1.address }
        guard let first = found.first else { return nil }
        if let problem = RegistryAddress.problem(first.address) {
            throw OperationFailure("\(first.origin): \(problem)")
        }
        if let other = found.first(where: { $0.address != first.address }) {
            throw UsageFailure(
                "the swarm runs two registries (\(first), \(other)): choose one with --registry or TWIP_REGISTRY")
        }
        return first
    }

    /// What each selected service's tasks run. With a registry (see `registry()`), each image is pushed to
    /// `REGISTRY/twip-ENV-SERVICE:ID` (ID: the first 12 hex digits of the local image ID) unless the registry
    /// already has those bytes under that tag, and named by digest, so every node pulls the same bytes and an image
    /// that did not change leaves the spec as it was. Without one, a one-node swarm runs this engine's image by ID
    /// (a rebuilt image changes the spec and rolls the tasks; a task naming an image ID is never pulled), and a
    /// swarm of several nodes is refused: the other nodes could not find the image. A reference with a digest in
    /// the stack is kept as written. With `push` false nothing is pushed (`up --dry-run`): an image to push is
    /// named by the digest its last push got, when the engine remembers one.
    func images(for services: [Service], through registry: ImageRegistry?, push: Bool) async throws
        -> [String: SwarmImage]
    {
        if registry == nil {
            try await refuseLocalImagesOnSeveralNodes(services)
        }
        var images: [String: SwarmImage] = [:]
        for service in services {
            let source = names.imageReference(for: service)
            if source.contains("@") {
                images[service.name] = SwarmImage(
                    service: service.name, source: source, disposition: .pinnedInStack, reference: source)
                continue
            }
            let local: ImageInspect
            do {
                local = try await client.inspectImage(source)
            } catch let error as EngineError where error.isNotFound {
                let hint =
                    service.build != nil
                    ? "run `twip \(names.environment) build \(service.name)` first"
                    : "twip pulls nothing from registries: build it, or import it with `twip base`"
                throw DeploymentError.imageMissing(service: service.name, image: source, hint: hint)
            }
            guard let registry else {
                images[service.name] = SwarmImage(
                    service: service.name, source: source, disposition: .localImageID, reference: local.id)
                continue
            }
            images[service.name] = try await publish(
                local, of: service.name, source: source, to: registry, push: push)
        }
        return images
    }

    /// Makes sure `registry` holds `image` under its tag, pushing it when it does not.
    private func publish(
        _ image: ImageInspect, of service: String, source: String, to registry: ImageRegistry, push: Bool
    ) async throws -> SwarmImage {
        let repository = registry.repository(environment: names.environment, service: service)
        let hex = image.id.hasPrefix("sha256:") ? image.id.dropFirst("sha256:".count) : Substring(image.id)
        let tag = String(hex.prefix(12))
        let tagged = "\(repository):\(tag)"
        // Digests this engine got when it pushed the image to that repository before.
        let known = Set(
            (image.repoDigests ?? []).filter { $0.hasPrefix(repository + "@") }.map {
                String($0.dropFirst(repository.count + 1))
            })
        var result = SwarmImage(
            service: service, source: source, disposition: .pushed, reference: tagged, tagged: tagged)
        do {
            let held = try await client.distributionDescriptor(tagged).digest
            if known.contains(held) {
                result.disposition = .inRegistry
                result.digest = held
                result.reference = "\(repository)@\(held)"
                if push { report(.imageInRegistry(service: service, reference: tagged, digest: held)) }
                return result
            }
        } catch let error as EngineError where error.isNotFound {
            // Not there yet: pushed below.
        } catch let error as EngineError {
            throw OperationFailure(
                "registry \(registry): the engine at \(client.host) could not ask it for \(tagged): \(error.message); "
                    + "nothing was deployed")
        }
        guard push else {
            if known.count == 1, let digest = known.first {
                result.digest = digest
                result.reference = "\(repository)@\(digest)"
            }
            return result
        }
        try await client.tagImage(image.id, repository: repository, tag: tag)
        report(.imagePushing(service: service, source: source, reference: tagged))
        let digest: String?
        do {
            digest = try await client.pushImage(repository, tag: tag)
        } catch let error as EngineError {
            throw OperationFailure(
                "push of \(tagged) to registry \(registry) failed: \(error.message); nothing was deployed")
        }
        guard let digest else {
            throw OperationFailure("registry \(registry) reported no digest for \(tagged); nothing was deployed")
        }
        report(.imagePushed(reference: tagged, digest: digest))
        result.digest = digest
        result.reference = "\(repository)@\(digest)"
        return result
    }

    /// Refuses to deploy, on a swarm of several nodes, a service whose image only this engine has: the swarm
    /// would place tasks where the image cannot be found, and they would be rejected over and over.
    func refuseLocalImagesOnSeveralNodes(_ services: [Service]) async throws {
        let local = services.filter { !names.imageReference(for: $0).contains("@") }.map(\.name)
        guard !local.isEmpty else { return }
        let nodes = try await client.listNodes().filter { $0.availability != "drain" }
        if let refusal = Self.localImagesRefusal(services: local, nodes: nodes.count, stackFile: stack.filePath) {
            throw refusal
        }
    }

    /// The refusal for `services` running images only this engine has on a swarm of `nodes` nodes that are not
    /// drained; nil on one node (or none to place).
    static func localImagesRefusal(services: [String], nodes: Int, stackFile: String) -> UsageFailure? {
        guard nodes > 1, !services.isEmpty else { return nil }
        return UsageFailure(
            "the swarm has \(nodes) nodes and no registry to ship the images of \(services.joined(separator: ", ")) "
                + "to them (only this engine has them): give `--registry HOST[:PORT]`, set TWIP_REGISTRY, "
                + "write `x-twip: {registry: HOST[:PORT]}` in \(stackFile), or run a registry as a swarm service "
                + "labelled \(ImageRegistry.serviceLabel)=ADDRESS; nothing was deployed")
    }
}
