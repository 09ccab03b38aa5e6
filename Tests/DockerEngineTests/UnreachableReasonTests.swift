import Glibc
import NIOCore
import Testing

@testable import DockerEngine

@Suite struct UnreachableReasonTests {
    // Root bypasses socket permissions and timeouts need a black hole, so these connect errors are built by hand.
    @Test(arguments: [
        (ENOENT, EngineUnreachable.Reason.noSuchSocket),
        (ECONNREFUSED, .connectionRefused),
        (EACCES, .permissionDenied),
        (ETIMEDOUT, .timeout),
    ])
    func connectErrnosAreClassified(errno: Int32, reason: EngineUnreachable.Reason) {
        let error = IOError(errnoCode: errno, reason: "connect")
        #expect(DockerClient.unreachableReason(for: error) == reason)
    }

    @Test func otherErrorsAreNotMistakenForAnUnreachableEngine() {
        struct Unrelated: Error {}
        #expect(DockerClient.unreachableReason(for: Unrelated()) == nil)
        #expect(DockerClient.unreachableReason(for: IOError(errnoCode: EPIPE, reason: "write")) == nil)
        #expect(DockerClient.unreachableReason(for: ChannelError.connectTimeout(.seconds(1))) == .timeout)
    }
}
