import DockerEngine
import EngineTestSupport
import Foundation
import Testing
import TwipStack

@testable import TwipCore

/// Network `ipam`, `attachable`, `enable_ipv6` and a service's `platform`, given to the real engine by the
/// containers backend.
@Suite(.serialized, .enabled(if: EngineTestSupport.shouldRun))
struct NetworkSettingsEngineTests {
    let environment = "evtest\(UInt16.random(in: 1000...65000))"
    /// A /24 few networks use, different on every run.
    let octet = Int.random(in: 2...250)

    func environment(_ client: DockerClient, _ yaml: String) throws -> Environment {
        let stack = try StackLoader(environment: [:]).load(yaml: yaml, path: "/tmp/\(environment).yml").stack
        var deployment = Environment(
            session: EngineSession(client: client), stack: stack, name: environment, proxies: [],
            processEnvironment: [:])
        deployment.pollInterval = .milliseconds(200)
        return deployment
    }

    @Test func aNetworkIsCreatedWithItsAddressPlanAndAReplicaGetsItsFixedAddressOnEachNetwork() async throws {
        try await EngineTestSupport.withEngine { client in
            let net = "10.231.\(octet)"
            let back = "10.232.\(octet)"
            let deployment = try environment(
                client,
                """
                name: \(environment)
                services:
                  web:
                    image: \(EngineTestSupport.image)
                    command: ["sleep", "600"]
                    stop_grace_period: 1s
                    networks:
                      front:
                        ipv4_address: \(net).10
                      back:
                        ipv4_address: \(back).20
                networks:
                  front:
                    attachable: true
                    enable_ipv6: true
                    ipam:
                      driver: default
                      config:
                        - subnet: \(net).0/24
                          ip_range: \(net).0/25
                          gateway: \(net).1
                          aux_addresses: {printer: \(net).5}
                        - subnet: "fd7e:\(String(octet, radix: 16))::/64"
                  back:
                    ipam:
                      config:
                        - subnet: \(back).0/24

                """)
            do {
                try await deployment.up(wait: true, timeout: .seconds(60))
                let network = try await client.inspectNetwork("\(environment)_front")
                #expect(network.attachable == true)
                #expect(network.enableIPv6 == true)
                #expect(network.ipam?.driver == "default")
                let pools = network.ipam?.config ?? []
                #expect(
                    pools.contains(
                        NetworkIPAM.Pool(
                            subnet: "\(net).0/24", ipRange: "\(net).0/25", gateway: "\(net).1",
                            auxiliaryAddresses: ["printer": "\(net).5"])), "\(pools)")
                #expect(pools.contains { $0.subnet == "fd7e:\(String(octet, radix: 16))::/64" }, "\(pools)")
                let container = try await client.inspectContainer("\(environment)-web-1")
                #expect(container.networkSettings?.networks?["\(environment)_front"]?.ipAddress == "\(net).10")
                // A second network is joined before the start, with its own fixed address.
                #expect(container.networkSettings?.networks?["\(environment)_back"]?.ipAddress == "\(back).20")
            } catch {
                try? await deployment.down(volumes: true)
                throw error
            }
            try await deployment.down(volumes: true)
            await #expect(throws: EngineError.self) { try await client.inspectNetwork("\(environment)_front") }
        }
    }

    @Test func aServiceRunsTheImageOfItsPlatformAndTheEngineRefusesAnotherOne() async throws {
        try await EngineTestSupport.withEngine { client in
            func stack(_ platform: String) -> String {
                """
                name: \(environment)
                services:
                  web:
                    image: \(EngineTestSupport.image)
                    platform: \(platform)
                    command: ["sleep", "600"]
                    stop_grace_period: 1s

                """
            }
            let matching = try environment(client, stack("linux/amd64"))
            do {
                try await matching.up(wait: true, timeout: .seconds(60))
                #expect(try await matching.ps().map(\.name) == ["\(environment)-web-1"])
                try await matching.down(volumes: true)
                // The test image is linux/amd64 only: asking for arm64 reaches the engine, which refuses it.
                let other = try environment(client, stack("linux/arm64"))
                do {
                    try await other.up(wait: true, timeout: .seconds(60))
                    Issue.record("the engine created a linux/amd64 image's container for linux/arm64")
                } catch let error as EngineError {
                    #expect(error.description.contains("does not match the specified platform"), "\(error)")
                }
            } catch {
                try? await matching.down(volumes: true)
                throw error
            }
            try await matching.down(volumes: true)
        }
    }
}
