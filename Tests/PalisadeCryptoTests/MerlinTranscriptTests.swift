import PalisadeCrypto
import Testing

/// Published vectors: the STROBE conformance run of the merlin crate's strobe tests, and the
/// transcript tests of curve25519-voi's merlin (the package CometBFT v0.38 links).
@Suite struct MerlinTranscriptTests {
    @Test func strobeConformanceProtocol() {
        var strobe = Strobe128(protocolLabel: Bytes("Conformance Test Protocol".utf8))
        strobe.metaAD(Bytes("ms".utf8), more: false)
        strobe.metaAD(Bytes("g".utf8), more: true)
        strobe.ad(Bytes(repeating: 99, count: 1024), more: false)
        strobe.metaAD(Bytes("prf".utf8), more: false)
        let first = strobe.prf(count: 32, more: false)
        #expect(first.hex == "b48e645ca17c667fd5206ba57a6a228d72d8e1903814d3f17f622996d7cfefb0")
        strobe.metaAD(Bytes("key".utf8), more: false)
        strobe.key(first, more: false)
        strobe.metaAD(Bytes("prf".utf8), more: false)
        #expect(strobe.prf(count: 32, more: false).hex
            == "07e45cce8078cee259e3e375bb85d75610e2d1e1201c5f645045a194edd49ff8")
    }

    @Test func simpleTranscript() {
        var transcript = MerlinTranscript(label: "test protocol")
        transcript.appendMessage(label: "some label", message: Bytes("some data".utf8))
        #expect(transcript.challengeBytes(label: "challenge", count: 32).hex
            == "d5a21972d0d5fe320c0d263fac7fffb8145aa640af6e9bca177c03c7efcf0615")
    }

    /// 32 rounds of 1 KiB messages: many permutations, and challenges fed back in.
    @Test func complexTranscript() {
        var transcript = MerlinTranscript(label: "test protocol")
        transcript.appendMessage(label: "step1", message: Bytes("some data".utf8))
        let data = Bytes(repeating: 99, count: 1024)
        var challenge = Bytes()
        for _ in 0..<32 {
            challenge = transcript.challengeBytes(label: "challenge", count: 32)
            transcript.appendMessage(label: "bigdata", message: data)
            transcript.appendMessage(label: "challengedata", message: challenge)
        }
        #expect(challenge.hex == "a8c933f54fae76e3f9bea93648c1308e7dfa2152dd51674ff3ca438351cf003c")
    }

    @Test func differentMessagesGiveDifferentChallenges() {
        var a = MerlinTranscript(label: "test protocol")
        var b = a
        a.appendMessage(label: "com", message: Bytes("Commitment data 1".utf8))
        b.appendMessage(label: "com", message: Bytes("Commitment data 2".utf8))
        #expect(a.challengeBytes(label: "c", count: 32) != b.challengeBytes(label: "c", count: 32))
    }
}
