/// Orders services so that each starts after what it depends on; services in one wave are independent.
public enum StartOrder {
    /// Groups `services` (name -> names it depends on) into waves; dependencies outside `services` are ignored.
    ///
    /// The stack validator has already rejected cycles; should one reach here, its members form a last wave
    /// rather than being dropped.
    public static func waves(_ services: [(name: String, dependsOn: [String])]) -> [[String]] {
        let names = Set(services.map(\.name))
        var remaining = services.map { (name: $0.name, dependsOn: Set($0.dependsOn).intersection(names)) }
        var placed = Set<String>()
        var waves: [[String]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { $0.dependsOn.isSubset(of: placed) }.map(\.name)
            if ready.isEmpty {
                waves.append(remaining.map(\.name))
                break
            }
            waves.append(ready)
            placed.formUnion(ready)
            remaining.removeAll { placed.contains($0.name) }
        }
        return waves
    }
}
