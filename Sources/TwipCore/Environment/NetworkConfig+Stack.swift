import DockerEngine
import TwipStack

extension NetworkIPAM {
    /// The engine's form of a stack network's `ipam`.
    init(_ ipam: IPAM) {
        self.init(
            driver: ipam.driver,
            config: ipam.config.map {
                Pool(
                    subnet: $0.subnet, ipRange: $0.ipRange, gateway: $0.gateway,
                    auxiliaryAddresses: $0.auxAddresses.isEmpty ? nil : $0.auxAddresses)
            },
            options: ipam.options.isEmpty ? nil : ipam.options)
    }
}

extension NetworkConfig {
    /// Takes what the stack declares of a network (nil for the implicit `default`): its address plan, IPv6,
    /// whether standalone containers may join it, internal, driver options.
    mutating func declare(_ network: Network?) {
        guard let network else { return }
        if let ipam = network.ipam { self.ipam = NetworkIPAM(ipam) }
        if network.enableIPv6 { enableIPv6 = true }
        if network.attachable { attachable = true }
        if network.internal { self.internal = true }
        if !network.driverOptions.isEmpty { options = network.driverOptions }
    }
}
