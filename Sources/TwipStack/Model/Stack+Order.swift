extension Stack {
    /// The services of `selection` (all when nil) grouped into start waves: each service comes in a wave after
    /// every service it depends on (`depends_on` and `links`); services of one wave are independent and keep
    /// file order. Dependencies outside the selection are ignored.
    ///
    /// Iterative, so no stack can make it recurse. The loader rejects cycles; should one reach here, its members
    /// form a last wave rather than being dropped.
    public func startWaves(of selection: Set<String>? = nil) -> [[String]] {
        let chosen = services.filter { selection?.contains($0.name) ?? true }
        return Self.waves(chosen.map { ($0.name, $0.dependsOn.map(\.service) + $0.links.map(\.service)) })
    }

    /// Groups `services` (name -> names it depends on) into waves; dependencies outside `services` are ignored.
    public static func waves(_ services: [(name: String, dependsOn: [String])]) -> [[String]] {
        let names = Set(services.map(\.name))
        var waiting: [String: Int] = [:]
        var dependents: [String: [String]] = [:]
        for service in services {
            let dependencies = Set(service.dependsOn).intersection(names).subtracting([service.name])
            waiting[service.name] = dependencies.count
            for dependency in dependencies { dependents[dependency, default: []].append(service.name) }
        }
        let position = Dictionary(services.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        var wave = services.map(\.name).filter { waiting[$0] == 0 }
        var placed = Set<String>()
        var waves: [[String]] = []
        while !wave.isEmpty {
            waves.append(wave)
            placed.formUnion(wave)
            var next: [String] = []
            for name in wave {
                for dependent in dependents[name] ?? [] {
                    waiting[dependent, default: 0] -= 1
                    if waiting[dependent] == 0 { next.append(dependent) }
                }
            }
            wave = next.sorted { (position[$0] ?? 0) < (position[$1] ?? 0) }
        }
        let rest = services.map(\.name).filter { !placed.contains($0) }
        if !rest.isEmpty { waves.append(rest) }
        return waves
    }
}
