/// One identifier in the identity graph: a normalised value of a type, as the store holds it.
public struct IdentityNode: Sendable, Hashable {
    /// The store's id of the identifier.
    public var id: Int64
    /// Its type (`phone`).
    public var type: String
    /// Its normalised value (`+8613812345678`).
    public var value: String
    /// The earliest day (days since 1970) of a row that carried it.
    public var firstDay: Int32
    /// Why it never links anyone (a placeholder …), or nil.
    public var junk: String?
    /// Split off by `clv identity split`: it links no one, and its rows form a customer of their own.
    public var detached: Bool

    /// A node.
    public init(id: Int64, type: String, value: String, firstDay: Int32, junk: String? = nil, detached: Bool = false) {
        self.id = id
        self.type = type
        self.value = value
        self.firstDay = firstDay
        self.junk = junk
        self.detached = detached
    }

    /// The canonical id a customer gets from this identifier: a `customer_id` as it is, any other type as
    /// `type:value` (`phone:+8613812345678`), so that ids of different types never collide.
    public var canonicalID: String { type == "customer_id" ? value : "\(type):\(value)" }
}

/// An edge of the identity graph: a row of a customer (`anchor`, the row's own customer id) carried another
/// identifier (`other`).
public struct IdentityLink: Sendable, Hashable {
    /// The row's customer identifier.
    public var anchor: Int64
    /// The identifier the row carried.
    public var other: Int64
    /// The earliest day a row showed the link.
    public var firstDay: Int32

    /// A link.
    public init(anchor: Int64, other: Int64, firstDay: Int32) {
        self.anchor = anchor
        self.other = other
        self.firstDay = firstDay
    }
}

/// The outcome of stitching: each identifier's customer, and what the rules did.
public struct IdentityResolution: Sendable, Hashable {
    /// Each identifier's canonical customer id, by node id.
    public var customer: [Int64: String]
    /// Merges of two customers of the sources (groups that each hold some row's customer id), by the type of the
    /// identifier that linked them.
    public var mergesByRule: [String: Int]
    /// Links refused because the customer would hold too many identifiers of a type, by that type.
    public var refusedByLimit: [String: Int]
    /// Identifiers blocked because more customers than their type's ``IdentityRules/TypeRule/sharedLimit`` share them, by type.
    public var blockedShared: [String: Int]
    /// Identifiers that never link because of their value (placeholders, unreadable phones …), by reason.
    public var junk: [String: Int]
}

/// Deterministic identity stitching (a union–find over the identity graph).
///
/// The result depends only on the graph, never on the order data arrived in:
/// 1. Identifiers whose value is junk, or split off, take no links. An identifier linked to more customers
///    (distinct anchors) than its type's shared limit is blocked as shared.
/// 2. The remaining links are taken in a fixed order: earliest first day, then anchor type priority and value,
///    then other type priority and value. A link that would give a customer more identifiers of a type than
///    its `perCustomer` limit allows is refused (two member ids never merge; a device shared by a family
///    joins one of them only).
/// 3. Each resulting group of identifiers is one customer. Its canonical id is that of its highest-priority
///    identifier, the earliest seen among those (ties by value): stable as data arrives, unless an earlier row
///    or a higher-priority identifier arrives.
public enum IdentityResolver {
    /// Stitches `nodes` by `links` under `rules`.
    public static func resolve(nodes: [IdentityNode], links: [IdentityLink], rules: IdentityRules) -> IdentityResolution {
        var index: [Int64: Int] = [:]
        index.reserveCapacity(nodes.count)
        for (i, node) in nodes.enumerated() { index[node.id] = i }
        let typeNames = Array(Set(nodes.map(\.type))).sorted { (rules.rank($0), $0) < (rules.rank($1), $1) }
        let typeIndex = Dictionary(uniqueKeysWithValues: typeNames.enumerated().map { ($1, $0) })
        let nodeType = nodes.map { typeIndex[$0.type]! }
        let perCustomer = typeNames.map { rules.rule($0)?.perCustomer ?? 1 }
        let sharedLimit = typeNames.map { rules.rule($0)?.sharedLimit ?? 10 }

        var junk: [String: Int] = [:]
        var excluded = [Bool](repeating: false, count: nodes.count)
        for (i, node) in nodes.enumerated() {
            if let reason = node.junk { junk[reason, default: 0] += 1; excluded[i] = true }
            if node.detached { excluded[i] = true }
        }
        // Shared values: distinct anchors per linked identifier.
        var pairs = links.compactMap { link -> (a: Int, o: Int, day: Int32)? in
            guard let a = index[link.anchor], let o = index[link.other], a != o else { return nil }
            return (a, o, link.firstDay)
        }
        var anchorsOf: [Int: Set<Int>] = [:]
        for p in pairs where !excluded[p.o] { anchorsOf[p.o, default: []].insert(p.a) }
        var blockedShared: [String: Int] = [:]
        for (o, anchors) in anchorsOf where anchors.count > sharedLimit[nodeType[o]] {
            excluded[o] = true
            blockedShared[nodes[o].type, default: 0] += 1
        }
        pairs.removeAll { excluded[$0.a] || excluded[$0.o] }
        pairs.sort { l, r in
            if l.day != r.day { return l.day < r.day }
            let la = (nodeType[l.a], nodes[l.a].value), ra = (nodeType[r.a], nodes[r.a].value)
            if la != ra { return la < ra }
            return (nodeType[l.o], nodes[l.o].value) < (nodeType[r.o], nodes[r.o].value)
        }

        // Union–find with each group's count of identifiers per type.
        var parent = Array(0..<nodes.count)
        var counts: [Int: [Int]] = [:]
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        func typeCounts(_ root: Int) -> [Int] {
            if let c = counts[root] { return c }
            var c = [Int](repeating: 0, count: typeNames.count)
            c[nodeType[root]] = 1
            return c
        }
        // Whether a group holds a customer of the sources (an identifier that is some row's customer id): joining
        // two such groups is a merge; adding an identifier to one is not.
        var holdsCustomer = [Bool](repeating: false, count: nodes.count)
        for p in pairs { holdsCustomer[p.a] = true }
        var merges: [String: Int] = [:], refused: [String: Int] = [:]
        for p in pairs {
            let ra = find(p.a), ro = find(p.o)
            guard ra != ro else { continue }
            let ca = typeCounts(ra), co = typeCounts(ro)
            if let over = ca.indices.first(where: { ca[$0] + co[$0] > perCustomer[$0] }) {
                refused[typeNames[over], default: 0] += 1
                continue
            }
            parent[ro] = ra
            counts[ra] = zip(ca, co).map { $0 + $1 }
            counts[ro] = nil
            if holdsCustomer[ra] && holdsCustomer[ro] { merges[nodes[p.o].type, default: 0] += 1 }
            holdsCustomer[ra] = holdsCustomer[ra] || holdsCustomer[ro]
        }

        // Each group's canonical identifier.
        var best: [Int: Int] = [:]
        func better(_ x: Int, _ y: Int) -> Bool {
            (nodeType[x], nodes[x].firstDay, nodes[x].value) < (nodeType[y], nodes[y].firstDay, nodes[y].value)
        }
        for i in nodes.indices {
            let root = find(i)
            if let b = best[root], !better(i, b) { continue }
            best[root] = i
        }
        var customer: [Int64: String] = [:]
        customer.reserveCapacity(nodes.count)
        for (i, node) in nodes.enumerated() { customer[node.id] = nodes[best[find(i)]!].canonicalID }
        return IdentityResolution(customer: customer, mergesByRule: merges, refusedByLimit: refused,
                                  blockedShared: blockedShared, junk: junk)
    }
}
