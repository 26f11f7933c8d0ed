import CLVIngest
import CLVIO
import CLVNumerics
import Foundation
import Testing
import _CLVTestSupport

@Suite("Number output")
struct OutputFormattingTests {
    static func text(_ v: Double) -> String {
        var w = ByteWriter()
        w.append(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    @Test("known values", arguments: [
        (7.0, "7.0"), (-3.0, "-3.0"), (0.0, "0.0"), (-0.0, "-0.0"), (0.5, "0.5"), (100.5, "100.5"),
        (100.50000000000001, "100.5"), (41.75272727272727, "41.7527272727"), (0.0012345, "0.0012345"),
        (1e-5, "0.00001"), (123456.789, "123456.789"), (-22.345, "-22.345"), (9.99999999999999, "10.0"),
        (77.85714285714286, "77.8571428571"), (1e20, "1e+20"), (2.5e-9, "2.5e-09"),
        // From 1e12 up, a fraction is written exactly (12 digits would round the whole part).
        (1234567890123.5, "1234567890123.5"), (-123456789012345.25, "-123456789012345.25"),
        (999999999999.75, "1000000000000.0"), (99999999999.99, "100000000000.0"),
    ])
    func known(_ value: Double, _ expected: String) {
        #expect(Self.text(value) == expected)
    }

    @Test("random values read back within 12 significant digits")
    func roundTrip() {
        var rng = Xoshiro256(seed: 5)
        for _ in 0..<20_000 {
            let magnitude = Double(Int(rng.next() % 23)) - 7
            let v = (rng.nextOpenUnit() - 0.3) * Foundation.pow(10, magnitude)
            let t = Self.text(v)
            let back = Double(t)
            #expect(back != nil, "\(v) → \(t)")
            #expect(isClose(back ?? .nan, v, relative: 5e-12, absolute: 0), "\(v) → \(t)")
        }
    }

    @Test("whole numbers, CSV fields and JSON strings")
    func others() {
        var w = ByteWriter()
        w.append(-12345)
        w.append(byte: 0x2C)
        w.appendCSVField("a,\"b\"")
        w.append(byte: 0x2C)
        w.appendJSONString("会员\n\"x\"\u{1}")
        #expect(String(decoding: w.bytes, as: UTF8.self) == "-12345,\"a,\"\"b\"\"\",\"会员\\n\\\"x\\\"\\u0001\"")
    }
}
