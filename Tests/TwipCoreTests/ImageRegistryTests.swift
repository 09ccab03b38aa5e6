import Testing

@testable import TwipCore

@Suite struct ImageRegistryTests {
    @Test func theOptionComesBeforeTheEnvironmentVariable() throws {
        let both = try ImageRegistry.given(option: "reg.example:5000", environment: ["TWIP_REGISTRY": "other:5000"])
        #expect(both == ImageRegistry(address: "reg.example:5000", origin: .option))
        let variable = try ImageRegistry.given(option: nil, environment: ["TWIP_REGISTRY": "other:5000"])
        #expect(variable == ImageRegistry(address: "other:5000", origin: .environmentVariable))
        #expect(try ImageRegistry.given(option: nil, environment: ["TWIP_REGISTRY": ""]) == nil)
        #expect(try ImageRegistry.given(option: nil, environment: [:]) == nil)
    }

    @Test func anAddressThatCannotNameARegistryIsAUsageError() {
        let error = #expect(throws: UsageFailure.self) {
            try ImageRegistry.given(option: nil, environment: ["TWIP_REGISTRY": "http://reg.example"])
        }
        #expect(error?.message.hasPrefix("TWIP_REGISTRY: invalid registry \"http://reg.example\"") == true)
    }

    @Test func eachServiceIsPushedToARepositoryOfItsEnvironment() {
        let registry = ImageRegistry(address: "127.0.0.1:5000", origin: .swarmService("lab_registry"))
        #expect(registry.repository(environment: "public", service: "web") == "127.0.0.1:5000/twip-public-web")
        #expect(
            "\(registry)" == "127.0.0.1:5000 (swarm service lab_registry labelled io.twip.registry)")
    }

    @Test(arguments: [
        (["web"], 1, false), (["web"], 3, true), ([], 3, false), (["proxy", "web"], 2, true),
    ])
    func localImagesAreRefusedOnlyOnSeveralNodes(services: [String], nodes: Int, refused: Bool) {
        let refusal = SwarmBackend.localImagesRefusal(services: services, nodes: nodes, stackFile: "stacks/public.yml")
        #expect((refusal != nil) == refused)
        if let refusal {
            #expect(refusal.message.contains("the swarm has \(nodes) nodes and no registry"))
            #expect(refusal.message.contains(services.joined(separator: ", ")))
            #expect(refusal.message.contains("--registry") && refusal.message.contains("io.twip.registry=ADDRESS"))
        }
    }
}
