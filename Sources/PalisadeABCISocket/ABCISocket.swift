/// ABCI 2.0 over a socket, wire-compatible with CometBFT v0.38: each message is a
/// `tendermint.abci.Request` or `Response`, prefixed by its length as an unsigned varint.
public enum ABCISocket {}
