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

    @Test(arguments: [
        (
            "handshakeFailed(sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:"
                + "CERTIFICATE_VERIFY_FAILED at /src/ssl/handshake.cc:320]))",
            "certificate verification failed: the server's certificate is not signed by the trusted CA "
                + "(CERTIFICATE_VERIFY_FAILED)"
        ),
        (
            "sslError([Error: 268436572 error:1000045c:SSL routines:OPENSSL_internal:"
                + "TLSV1_ALERT_CERTIFICATE_REQUIRED at /src/ssl/tls_record.cc:491])",
            "TLS handshake failed (TLSV1_ALERT_CERTIFICATE_REQUIRED)"
        ),
        ("uncleanShutdown", "TLS handshake failed (uncleanShutdown)"),
    ])
    func tlsFailuresKeepBoringSSLsReasonButNotItsSourcePaths(detail: String, reason: String) {
        #expect(DockerClient.tlsReason(detail) == reason)
    }
}
