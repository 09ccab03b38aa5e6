extension Stack {
    /// The services in an order where every service comes after the ones it depends on (`depends_on` and
    /// `links`), keeping file order otherwise; the loader rejects cycles, so every service appears once.
    public func startOrder() -> [Service] {
        var placed: Set<String> = []
        var visiting: Set<String> = []
        var order: [Service] = []
        func place(_ service: Service) {
            guard !placed.contains(service.name), visiting.insert(service.name).inserted else { return }
            for name in service.dependsOn.map(\.service) + service.links.map(\.service) {
                if let dependency = self.service(named: name) { place(dependency) }
            }
            visiting.remove(service.name)
            placed.insert(service.name)
            order.append(service)
        }
        services.forEach(place)
        return order
    }
}
