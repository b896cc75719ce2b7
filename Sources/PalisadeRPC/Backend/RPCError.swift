/// A JSON-RPC 2.0 error object as CometBFT writes it: a code, CometBFT's fixed message for that
/// code, and the detail as `data` (omitted when empty). A backend throws one to pick the code;
/// any other error becomes `internalError` with the error's description.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: String

    public init(code: Int, message: String, data: String = "") {
        self.code = code
        self.message = message
        self.data = data
    }

    /// -32700: the body is not JSON.
    public static func parseError(_ data: String) -> RPCError {
        RPCError(code: -32700, message: "Parse error. Invalid JSON", data: data)
    }

    /// -32600: JSON, but not a request this server takes (bad path, body too large, batch too big).
    public static func invalidRequest(_ data: String) -> RPCError {
        RPCError(code: -32600, message: "Invalid Request", data: data)
    }

    /// -32601: no such method (or one reserved for WebSocket, or unsafe and disabled).
    public static let methodNotFound = RPCError(code: -32601, message: "Method not found")

    /// -32602: a parameter has the wrong type or form.
    public static func invalidParams(_ data: String) -> RPCError {
        RPCError(code: -32602, message: "Invalid params", data: data)
    }

    /// -32603: the method ran and failed; CometBFT reports every handler error this way.
    public static func internalError(_ data: String) -> RPCError {
        RPCError(code: -32603, message: "Internal error", data: data)
    }

    /// -32000: the server itself failed.
    public static func serverError(_ data: String) -> RPCError {
        RPCError(code: -32000, message: "Server error", data: data)
    }

    public var description: String {
        data.isEmpty ? "RPC error \(code) - \(message)" : "RPC error \(code) - \(message): \(data)"
    }
}
