/// CometBFT v0.38's JSON-RPC: URI GET, JSON-RPC 2.0 POST and WebSocket subscriptions.
public enum RPC {}
