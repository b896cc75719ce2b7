/// ABCI 2.0 over a socket, wire-compatible with CometBFT v0.38: each message is a
/// `tendermint.abci.Request` or `Response`, prefixed by its length as an unsigned varint
/// (CometBFT's `protoio` delimited stream). `ABCISocketClient` is an `Application` to the node;
/// `ABCISocketServer` serves any `Application` to CometBFT or to Palisade.
public enum ABCISocket {
    /// The largest message body either side accepts: CometBFT v0.38's `maxMsgSize` (100 MB), so
    /// a block CometBFT would send is never refused here. The limit is checked on the length
    /// prefix, before any of the body is buffered.
    public static let defaultMaxFrameBytes = 104_857_600

    /// CometBFT's default `proxy_app`.
    public static let defaultAddress = "tcp://127.0.0.1:26658"
}
