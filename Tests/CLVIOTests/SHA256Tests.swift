import Foundation
import Testing
@testable import CLVIO
import _CLVTestSupport

@Suite("SHA-256 of the run manifest")
struct SHA256Tests {
    @Test("the FIPS 180-4 test vectors, fed at once and in odd pieces")
    func vectors() throws {
        let cases: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ]
        for (text, digest) in cases {
            #expect(SHA256.hex(of: Array(text.utf8)) == digest)
            var h = SHA256()
            for piece in Array(text.utf8).chunked(7) { h.update(piece) }
            #expect(h.finalize() == digest, "\(text)")
        }
        var million = SHA256()
        let block = [UInt8](repeating: 0x61, count: 1000)
        for _ in 0..<1000 { million.update(block) }
        #expect(million.finalize() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("the CPU's SHA instructions and the Swift rounds give the same digests, for every length around the block size and in odd pieces",
          .enabled(if: SHA256.hardwareAvailable, "the CPU has no SHA instructions"))
    func hardwareAndSoftware() {
        var seed: UInt64 = 9
        let bytes = (0..<70_000).map { _ -> UInt8 in seed = seed &* 6364136223846793005 &+ 1; return UInt8(truncatingIfNeeded: seed >> 56) }
        for length in Array(0...200) + [1023, 1024, 1025, 65_535, 70_000] {
            let message = Array(bytes.prefix(length))
            var fast = SHA256(), slow = SHA256(softwareOnly: true)
            fast.update(message)
            for piece in message.chunked(37) { slow.update(piece) }
            #expect(fast.finalize() == slow.finalize(), "length \(length)")
        }
    }

    @Test("a file's digest is that of its bytes, and OutputFile computes the same while writing")
    func fileDigest() throws {
        let dir = try TestData.temporaryDirectory()
        let path = dir.appendingPathComponent("x.bin").path
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let out = try OutputFile(path: path, digest: true)
        try out.write(bytes)
        try out.commit()
        let read = try SHA256.file(path)
        #expect(read.bytes == bytes.count && out.byteCount == bytes.count)
        #expect(read.sha256 == SHA256.hex(of: bytes) && out.sha256 == read.sha256)
    }
}

private extension Array {
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
