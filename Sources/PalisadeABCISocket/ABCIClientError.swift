/// Why a call to a socket app failed. Every one of these leaves the client failed: the node cannot
/// know what state the app is in, so it stops (CometBFT halts the same way), and each later call
/// throws this same first error.
public struct ABCIClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The app did not accept a connection before the timeout; `detail` is the last attempt's error.
        case connectFailed(address: String, detail: String)
        /// The app answered with `Response.exception`: it could not serve the request.
        case exception(String)
        /// The app answered with a response for another method (or one nobody asked for).
        case unexpectedResponse(got: String)
        /// The bytes could not be framed or decoded; `detail` names the fault.
        case malformedResponse(String)
        /// A response's length prefix announced more than the limit.
        case oversizedFrame(length: UInt64, limit: Int)
        /// The socket closed or failed while calls were waiting (or a call was made after).
        case connectionClosed(String)
        /// The node closed the client.
        case closed
        /// The app did not answer a call within `Options.callTimeout`.
        case timedOut(Duration)
    }

    /// The connection the failure happened on.
    public var connection: ABCIConnectionKind
    /// The call that was waiting when it happened (CometBFT's method name), or nil if none was.
    public var method: ABCIMethod?
    public var reason: Reason

    public init(connection: ABCIConnectionKind, method: ABCIMethod?, reason: Reason) {
        self.connection = connection
        self.method = method
        self.reason = reason
    }

    public var description: String {
        let call = method.map { ", \($0)" } ?? ""
        let what: String
        switch reason {
        case .connectFailed(let address, let detail): what = "could not connect to the app at \(address): \(detail)"
        case .exception(let text): what = "the app answered with an exception: \(text)"
        case .unexpectedResponse(let got): what = "the app answered with a \(got) response"
        case .malformedResponse(let detail): what = "malformed response: \(detail)"
        case .oversizedFrame(let length, let limit):
            what = "oversized response: \(length) bytes announced, limit \(limit)"
        case .connectionClosed(let detail): what = "connection to the app lost: \(detail)"
        case .closed: what = "the client was closed"
        case .timedOut(let limit): what = "the app did not answer within \(limit); the node stops rather than wait forever"
        }
        return "ABCI \(connection) connection\(call): \(what)"
    }
}
