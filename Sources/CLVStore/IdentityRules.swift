import Foundation
import Yams

/// The rules identity stitching follows: which identifier types exist, in which priority, how many of each a
/// customer may hold, how their values are normalised, and which values never link anyone.
///
/// The defaults are built in; a YAML file (`clv import --identity-rules FILE`, TOML-like flat keys are not
/// read) changes them:
///
/// ```yaml
/// priority: [member_id, customer_id, unionid, phone, email, openid, device_id, order_customer_id]
/// default_region: "86"        # the country code of phones written without one
/// shared_limit: 10            # a value seen with more customers than this is blocked
/// types:
///   device_id: {per_customer: 5, shared_limit: 3}
///   loyalty_card: {per_customer: 1, normalize: plain}   # a type of your own
/// blocked: ["13900000000", "test@example.com"]
/// ```
public struct IdentityRules: Sendable, Hashable {
    /// How a type's values are made comparable.
    public enum Normalization: String, Sendable, Hashable, CaseIterable {
        /// Trimmed, otherwise as written (ids, openids: case matters).
        case plain
        /// E.164 (`+8613812345678`): spaces, dashes, dots and brackets dropped, `00` read as `+`, and a national
        /// number given the default region's code.
        case phone
        /// Trimmed and lower-cased; must hold one `@` with text on both sides.
        case email
    }

    /// One identifier type's rules.
    public struct TypeRule: Sendable, Hashable {
        /// The type's name (`phone`).
        public var name: String
        /// How many different values of this type one customer may hold; a link that would exceed it is refused.
        public var perCustomer: Int
        /// A value linked to more customers (by their own ids) than this is blocked as shared junk.
        public var sharedLimit: Int
        /// How values are normalised.
        public var normalization: Normalization
    }

    /// The types, highest priority first. The canonical id of a customer comes from the highest-priority type
    /// they hold.
    public var types: [TypeRule]
    /// The country calling code given to phones written without one (`86`).
    public var defaultRegion: String
    /// Normalised values that never link anyone, besides the built-in placeholders (``IdentityRules/isPlaceholder(_:type:)``).
    public var blocked: Set<String>

    /// The built-in types, in their default priority.
    public static let builtInTypes = ["customer_id", "member_id", "phone", "email", "openid", "unionid", "device_id",
                                      "order_customer_id"]

    /// The defaults: priority as ``builtInTypes``; one `customer_id`, `member_id`, `unionid` per customer, up to
    /// 2 phones, 3 emails, 5 openids (one per WeChat app), 5 devices, 3 order-system ids; a value shared by more
    /// than 10 customers (3 for devices) blocked; region 86.
    public static let defaults = IdentityRules(types: [
        TypeRule(name: "customer_id", perCustomer: 1, sharedLimit: .max, normalization: .plain),
        TypeRule(name: "member_id", perCustomer: 1, sharedLimit: .max, normalization: .plain),
        TypeRule(name: "phone", perCustomer: 2, sharedLimit: 10, normalization: .phone),
        TypeRule(name: "email", perCustomer: 3, sharedLimit: 10, normalization: .email),
        TypeRule(name: "openid", perCustomer: 5, sharedLimit: 10, normalization: .plain),
        TypeRule(name: "unionid", perCustomer: 1, sharedLimit: 10, normalization: .plain),
        TypeRule(name: "device_id", perCustomer: 5, sharedLimit: 3, normalization: .plain),
        TypeRule(name: "order_customer_id", perCustomer: 3, sharedLimit: 10, normalization: .plain),
    ], defaultRegion: "86", blocked: [])

    /// Rules.
    public init(types: [TypeRule], defaultRegion: String, blocked: Set<String>) {
        self.types = types
        self.defaultRegion = defaultRegion
        self.blocked = blocked
    }

    /// The rule of `type`, or nil for a type the rules do not know.
    public func rule(_ type: String) -> TypeRule? { types.first { $0.name == type } }

    /// The priority rank of `type` (0 is highest); unknown types rank last.
    public func rank(_ type: String) -> Int { types.firstIndex { $0.name == type } ?? types.count }

    // MARK: Values

    /// What a raw value of `type` becomes: its normal form, and why it never links anyone (a placeholder, an
    /// unreadable phone), if so.
    public func normalize(_ raw: String, type: String) -> (value: String, junk: String?) {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let normalization = rule(type)?.normalization ?? .plain
        var value = trimmed
        switch normalization {
        case .plain:
            break
        case .email:
            value = trimmed.lowercased()
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty { return (value, "not an email address") }
        case .phone:
            guard let phone = Self.e164(trimmed, defaultRegion: defaultRegion) else { return (trimmed, "not a phone number") }
            value = phone
        }
        if blocked.contains(value) || blocked.contains(trimmed) { return (value, "blocked value") }
        if Self.isPlaceholder(value, type: normalization) { return (value, "placeholder") }
        return (value, nil)
    }

    /// Values that stand for "none": `0`, `null`, `n/a`, `-`, `未知` …, a run of one character (`0000`,
    /// `xxxx`), and phones whose last eight digits are one digit repeated (`+8613800000000`). A number that
    /// merely looks made up (`13812345678`) is a real number to this rule; block it in the rules file.
    public static func isPlaceholder(_ value: String, type: Normalization) -> Bool {
        let lowered = value.lowercased()
        if ["0", "null", "nil", "none", "n/a", "na", "-", "--", "unknown", "undefined", "test", "未知", "无", "空"].contains(lowered) {
            return true
        }
        if lowered.count >= 3, Set(lowered).count == 1 { return true }
        if type == .phone {
            let digits = Array(value.utf8.filter { $0 >= 48 && $0 <= 57 })
            let tail = digits.suffix(8)
            if tail.count == 8, Set(tail).count == 1 { return true }
        }
        return false
    }

    /// `raw` as an E.164 number (`+` and digits), or nil when it cannot be read as one without guessing.
    ///
    /// With region 86: an 11-digit number starting with 1 is a mobile number; a number starting with one 0 is a
    /// national number with its trunk prefix; `86` followed by an 11-digit mobile number is read with the code.
    public static func e164(_ raw: String, defaultRegion: String) -> String? {
        var text = Substring(raw)
        var international = false
        if text.hasPrefix("+") { international = true; text = text.dropFirst() }
        var digits = ""
        for c in text.unicodeScalars {
            switch c {
            case "0"..."9": digits.unicodeScalars.append(c)
            case " ", "-", ".", "(", ")", "\u{3000}": continue
            default: return nil
            }
        }
        if !international, digits.hasPrefix("00") { international = true; digits.removeFirst(2) }
        if international { return (8...15).contains(digits.count) ? "+" + digits : nil }
        if defaultRegion == "86" {
            if digits.count == 11, digits.hasPrefix("1") { return "+86" + digits }
            if digits.count == 13, digits.hasPrefix("861") { return "+" + digits }
            if (10...12).contains(digits.count), digits.hasPrefix("0"), !digits.hasPrefix("00") { return "+86" + digits.dropFirst() }
            return nil
        }
        if digits.hasPrefix("0") { digits.removeFirst() }
        return (6...(15 - defaultRegion.count)).contains(digits.count) ? "+" + defaultRegion + digits : nil
    }

    // MARK: Configuration

    /// The rules of a YAML configuration (see the type's documentation), over the defaults.
    /// - Throws: ``StoreError/invalidIdentityRules(file:reason:)`` naming the file and the key that is wrong.
    public static func load(yaml text: String, file: String) throws -> IdentityRules {
        func fail(_ reason: String) -> StoreError { .invalidIdentityRules(file: file, reason: reason) }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { throw fail("not YAML: \(error)") }
        var rules = defaults
        guard let node else { return rules }
        guard let map = node.mapping else { throw fail("the top level must be a mapping of keys (priority, types …)") }
        func int(_ n: Node, _ key: String) throws -> Int {
            guard let v = n.int, v >= 0 else { throw fail("'\(key)' must be a whole number ≥ 0, not '\(n.string ?? "?")'") }
            return v
        }
        for (keyNode, value) in map {
            let key = keyNode.string ?? ""
            switch key {
            case "default_region":
                let code = (value.string ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "+ "))
                guard !code.isEmpty, code.count <= 3, code.allSatisfy(\.isNumber) else {
                    throw fail("'default_region' must be a country calling code such as 86, not '\(value.string ?? "?")'")
                }
                rules.defaultRegion = code
            case "shared_limit":
                let limit = try int(value, key)
                for i in rules.types.indices where rules.types[i].sharedLimit != .max { rules.types[i].sharedLimit = limit }
            case "blocked":
                guard let list = value.sequence else { throw fail("'blocked' must be a list of values") }
                rules.blocked.formUnion(list.compactMap(\.string))
            case "types":
                guard let types = value.mapping else { throw fail("'types' must map type names to their settings") }
                for (nameNode, settings) in types {
                    let name = nameNode.string ?? ""
                    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                        throw fail("'\(name)' is not a type name (letters, digits and _)")
                    }
                    var rule = rules.rule(name) ?? TypeRule(name: name, perCustomer: 1, sharedLimit: 10, normalization: .plain)
                    guard let settings = settings.mapping else { throw fail("types.\(name) must be a mapping") }
                    for (settingNode, v) in settings {
                        let setting = settingNode.string ?? ""
                        switch setting {
                        case "per_customer": rule.perCustomer = max(try int(v, "types.\(name).per_customer"), 1)
                        case "shared_limit": rule.sharedLimit = try int(v, "types.\(name).shared_limit")
                        case "normalize":
                            guard let n = v.string.flatMap(Normalization.init(rawValue:)) else {
                                throw fail("types.\(name).normalize must be one of plain, phone, email")
                            }
                            rule.normalization = n
                        default: throw fail("types.\(name): unknown setting '\(setting)' (per_customer, shared_limit, normalize)")
                        }
                    }
                    if let i = rules.types.firstIndex(where: { $0.name == name }) { rules.types[i] = rule } else { rules.types.append(rule) }
                }
            case "priority":
                guard let list = value.sequence?.compactMap(\.string), !list.isEmpty else { throw fail("'priority' must be a list of type names") }
                guard Set(list).count == list.count else { throw fail("'priority' names a type twice") }
            default:
                throw fail("unknown key '\(key)' (priority, default_region, shared_limit, types, blocked)")
            }
        }
        // The listed types come first, in the given order; the rest keep their order after them.
        if let list = map["priority"]?.sequence?.compactMap(\.string) {
            for name in list where rules.rule(name) == nil {
                throw fail("'priority' names '\(name)', which is neither built in nor under 'types'")
            }
            let listed = list.compactMap { rules.rule($0) }
            rules.types = listed + rules.types.filter { !list.contains($0.name) }
        }
        return rules
    }
}
