extension Stack {
    /// The services in an order where every service comes after the ones it depends on (`depends_on` and
    /// `links`), keeping file order otherwise; the loader rejects cycles, so every service appears once.
    ///
    /// Depth-first with an explicit stack, so a long chain of dependencies cannot overflow the thread's stack.
    public func startOrder() -> [Service] {
        let byName = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var placed: Set<String> = []
        var visiting: Set<String> = []
        var order: [Service] = []
        for root in services where !placed.contains(root.name) {
            // Each service on the path with the names it depends on and how many of them are done.
            var path: [(service: Service, dependencies: [String], next: Int)] = []
            if visiting.insert(root.name).inserted {
                path.append((root, root.dependsOn.map(\.service) + root.links.map(\.service), 0))
            }
            while let top = path.last {
                guard top.next < top.dependencies.count else {
                    path.removeLast()
                    visiting.remove(top.service.name)
                    placed.insert(top.service.name)
                    order.append(top.service)
                    continue
                }
                path[path.count - 1].next += 1
                let name = top.dependencies[top.next]
                guard let dependency = byName[name], !placed.contains(name), visiting.insert(name).inserted else {
                    continue
                }
                path.append((dependency, dependency.dependsOn.map(\.service) + dependency.links.map(\.service), 0))
            }
        }
        return order
    }
}
