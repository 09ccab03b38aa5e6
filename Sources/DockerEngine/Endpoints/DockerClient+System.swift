import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// The engine's version (`GET /version`).
    public func version() async throws -> EngineVersion {
        try await decode(EngineVersion.self, EngineRequest(.GET, "/version", operation: "read engine version"))
    }

    /// System-wide information (`GET /info`).
    public func info() async throws -> EngineInfo {
        try await decode(EngineInfo.self, EngineRequest(.GET, "/info", operation: "read engine info"))
    }

    /// Streams engine events matching `filters`, from `since` (UNIX seconds) until `until` (or forever).
    public func events(filters: Filters = [:], since: Int? = nil, until: Int? = nil) async throws -> EventStream {
        let response = try await send(
            EngineRequest(
                .GET, "/events",
                query: [
                    ("filters", filters.queryValue), ("since", since.map(String.init)),
                    ("until", until.map(String.init)),
                ],
                operation: "read events"))
        return EventStream(body: response.body)
    }
}
