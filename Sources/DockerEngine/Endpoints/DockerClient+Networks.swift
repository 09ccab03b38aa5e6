import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Creates a network and returns its id.
    @discardableResult
    public func createNetwork(_ config: NetworkConfig) async throws -> String {
        try await decode(
            IDResponse.self,
            EngineRequest(
                .POST, "/networks/create", body: try .json(config), operation: "create network", object: config.name)
        ).id
    }

    /// Lists networks, optionally filtered (e.g. by label).
    public func listNetworks(filters: Filters = [:]) async throws -> [NetworkInspect] {
        try await decode(
            [NetworkInspect].self,
            EngineRequest(.GET, "/networks", query: [("filters", filters.queryValue)], operation: "list networks"))
    }

    /// Inspects a network; a missing one throws an `EngineError` whose `isNotFound` is true.
    public func inspectNetwork(_ id: String) async throws -> NetworkInspect {
        try await decode(
            NetworkInspect.self,
            EngineRequest(.GET, "/networks/\(EngineRequest.segment(id))", operation: "inspect network", object: id))
    }

    /// Removes a network.
    public func removeNetwork(_ id: String) async throws {
        try await perform(
            EngineRequest(.DELETE, "/networks/\(EngineRequest.segment(id))", operation: "remove network", object: id))
    }

    /// Connects a container to a network with DNS aliases and, when given, fixed addresses.
    public func connectNetwork(
        _ network: String, container: String, aliases: [String]? = nil, addresses: EndpointIPAMConfig? = nil
    ) async throws {
        struct Connect: Encodable {
            var container: String
            var endpointConfig: EndpointConfig?
            enum CodingKeys: String, CodingKey {
                case container = "Container"
                case endpointConfig = "EndpointConfig"
            }
        }
        try await perform(
            EngineRequest(
                .POST, "/networks/\(EngineRequest.segment(network))/connect",
                body: try .json(
                    Connect(
                        container: container, endpointConfig: EndpointConfig(aliases: aliases, ipamConfig: addresses))),
                operation: "connect \(container) to network", object: network))
    }

    /// Disconnects a container from a network (`force` even if it is not running).
    public func disconnectNetwork(_ network: String, container: String, force: Bool = false) async throws {
        struct Disconnect: Encodable {
            var container: String
            var force: Bool
            enum CodingKeys: String, CodingKey {
                case container = "Container"
                case force = "Force"
            }
        }
        try await perform(
            EngineRequest(
                .POST, "/networks/\(EngineRequest.segment(network))/disconnect",
                body: try .json(Disconnect(container: container, force: force)),
                operation: "disconnect \(container) from network", object: network))
    }
}

extension DockerClient {
    /// Creates a named volume.
    @discardableResult
    public func createVolume(name: String, driver: String? = nil, labels: [String: String]? = nil) async throws
        -> Volume
    {
        try await decode(
            Volume.self,
            EngineRequest(
                .POST, "/volumes/create", body: try .json(VolumeConfig(name: name, driver: driver, labels: labels)),
                operation: "create volume", object: name))
    }

    /// Lists volumes, optionally filtered (e.g. by label).
    public func listVolumes(filters: Filters = [:]) async throws -> [Volume] {
        try await decode(
            VolumeList.self,
            EngineRequest(.GET, "/volumes", query: [("filters", filters.queryValue)], operation: "list volumes")
        ).volumes ?? []
    }

    /// Removes a volume (`force` even if in use).
    public func removeVolume(_ name: String, force: Bool = false) async throws {
        try await perform(
            EngineRequest(
                .DELETE, "/volumes/\(EngineRequest.segment(name))", query: [("force", force ? "1" : nil)],
                operation: "remove volume", object: name))
    }
}
